package io.ikeseal.agent.protect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import javax.security.auth.Destroyable;

import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.EncryptedFragmentPayload;
import io.ikeseal.agent.wire.EncryptedPayload;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.PayloadChain;
import io.ikeseal.agent.wire.WireReader;
import io.ikeseal.hsm.api.IkeSaSecrets;

/**
 * Message protection for one IKE SA (RFC 7296 §3.14, RFC 7383): seals what we send with our direction's keys and
 * opens what the peer sends with the other's. The original initiator sends with SK_ei/SK_ai and the original
 * responder with SK_er/SK_ar (§2.14). Create one per IKE SA and key set; thread-safe.
 *
 * <p>Outcomes on receipt: the inner payloads; an {@link IntegrityException} (drop silently, counted in
 * {@link #integrityFailures()}); or a {@link MalformedMessageException} when the ICV verified but what it protects
 * is malformed, which may be answered with INVALID_SYNTAX inside this SA (§3.10.1).
 */
public final class SkProtection implements Destroyable {
    /** SKF's Fragment Number and Total Fragments, between its generic header and the IV (RFC 7383 §2.5). */
    private static final int FRAGMENT_NUMBERS = 4;
    /** What one UDP datagram can carry at most, and what the codec's default limits decode. */
    private static final int MAX_MESSAGE_LENGTH = 0xffff;

    private final SkCipher outbound;
    private final SkCipher inbound;
    private final DecodeLimits limits;
    private final LongAdder integrityFailures = new LongAdder();

    private SkProtection(SkCipher outbound, SkCipher inbound, DecodeLimits limits) {
        if (!outbound.suite().equals(inbound.suite())) {
            throw new IllegalArgumentException("both directions use the IKE SA's one suite");
        }
        this.outbound = outbound;
        this.inbound = inbound;
        this.limits = limits;
    }

    /** We are the IKE SA's original initiator: we send with SK_ei/SK_ai, the peer with SK_er/SK_ar. */
    public static SkProtection originalInitiator(ProtectionSuite suite, IkeSaSecrets keys, DecodeLimits limits) {
        return of(suite.newCipher(keys.skEi(), keys.skAi()), suite.newCipher(keys.skEr(), keys.skAr()), limits);
    }

    /** We are the IKE SA's original responder: we send with SK_er/SK_ar, the peer with SK_ei/SK_ai. */
    public static SkProtection originalResponder(ProtectionSuite suite, IkeSaSecrets keys, DecodeLimits limits) {
        return of(suite.newCipher(keys.skEr(), keys.skAr()), suite.newCipher(keys.skEi(), keys.skAi()), limits);
    }

    /** From ciphers made by {@link ProtectionSuite#newCipher}; takes ownership of both. */
    public static SkProtection of(SkCipher outbound, SkCipher inbound, DecodeLimits limits) {
        return new SkProtection(outbound, inbound, limits);
    }

    public ProtectionSuite suite() {
        return outbound.suite();
    }

    /** Octets of the message {@link #protect} would produce: to decide whether it must be fragmented. */
    public int protectedLength(List<? extends IkePayload> inner) {
        return IkeHeader.LENGTH
                + PayloadChain.GENERIC_HEADER_LENGTH
                + outbound.contentLength(PayloadChain.length(inner));
    }

    /**
     * The message {@code header, SK{inner}}: Length and Next Payload fields are computed first, since they are
     * part of what the ICV covers.
     */
    public byte[] protect(IkeHeader header, List<? extends IkePayload> inner) {
        byte[] chain = PayloadChain.encode(inner);
        try {
            return seal(header, PayloadChain.firstType(inner), 0, 0, chain);
        } finally {
            Arrays.fill(chain, (byte) 0);
        }
    }

    /**
     * The message {@code header, SK{inner}} as IKE Fragment Messages (RFC 7383 §2.5), each at most
     * {@code size.maxMessageLength()} octets: the inner chain's octets are cut regardless of payload boundaries,
     * every piece sealed on its own in an SKF payload; fragment 1 names the first inner payload, the others 0.
     * Every fragment carries the same header but for Next Payload and Length. For a retransmission with a smaller
     * size (§2.5.2) call this again: more fragments make the peer restart its reassembly.
     */
    public List<byte[]> protectFragments(IkeHeader header, List<? extends IkePayload> inner, FragmentSize size) {
        if (inner.isEmpty()) {
            throw new IllegalArgumentException("no inner payloads to fragment");
        }
        int piece = outbound.maxPlaintextLength(
                size.maxMessageLength() - IkeHeader.LENGTH - PayloadChain.GENERIC_HEADER_LENGTH - FRAGMENT_NUMBERS);
        if (piece < 1) {
            throw new IllegalArgumentException(size + " leaves no room for " + suite() + " fragments");
        }
        byte[] chain = PayloadChain.encode(inner);
        try {
            int total = Math.max(1, (chain.length + piece - 1) / piece);
            if (total > 0xffff) {
                throw new IllegalArgumentException(chain.length + " octets need more than 65535 fragments");
            }
            List<byte[]> out = new ArrayList<>(total);
            for (int n = 1; n <= total; n++) {
                byte[] part = Arrays.copyOfRange(chain, (n - 1) * piece, Math.min(n * piece, chain.length));
                try {
                    out.add(seal(header, n == 1 ? PayloadChain.firstType(inner) : 0, n, total, part));
                } finally {
                    Arrays.fill(part, (byte) 0);
                }
            }
            return out;
        } finally {
            Arrays.fill(chain, (byte) 0);
        }
    }

    /**
     * Encodes the message with placeholder content of the sealed length, so that the associated data is exactly
     * what the codec writes before the IV, then seals into that place.
     *
     * @param fragmentNumber 0 for an SK payload, else the SKF's Fragment Number
     */
    private byte[] seal(IkeHeader header, int firstInner, int fragmentNumber, int totalFragments, byte[] plaintext) {
        int contentLength = outbound.contentLength(plaintext.length);
        int extra = fragmentNumber == 0 ? 0 : FRAGMENT_NUMBERS;
        if (IkeHeader.LENGTH + PayloadChain.GENERIC_HEADER_LENGTH + extra + contentLength > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("a protected message of more than " + MAX_MESSAGE_LENGTH
                    + " octets does not fit a datagram: fragment it");
        }
        byte[] placeholder = new byte[contentLength];
        IkePayload payload = fragmentNumber == 0
                ? new EncryptedPayload(firstInner, placeholder)
                : new EncryptedFragmentPayload(firstInner, fragmentNumber, totalFragments, placeholder);
        byte[] message = IkeMessageCodec.encode(new IkeMessage(header, List.of(payload)));
        int associated = message.length - contentLength;
        byte[] content = outbound.seal(Arrays.copyOf(message, associated), plaintext);
        System.arraycopy(content, 0, message, associated, contentLength);
        return message;
    }

    /**
     * Opens a message whose last payload is SK.
     *
     * @param sealed what {@link IkeMessageCodec#decode} made of {@code raw}
     * @param raw    the message's octets, exactly as received
     * @return the same header, the payloads before SK (none in RFC 7296's exchanges), then the inner payloads
     */
    public IkeMessage unprotect(IkeMessage sealed, byte[] raw) throws IntegrityException, MalformedMessageException {
        if (!(sealed.payloads().getLast() instanceof EncryptedPayload sk)) {
            throw new IllegalArgumentException("not an SK message: " + sealed);
        }
        byte[] chain = open(sealed, raw, sk.content());
        List<IkePayload> payloads =
                new ArrayList<>(sealed.payloads().subList(0, sealed.payloads().size() - 1));
        payloads.addAll(decodeInner(sealed.header(), sk.firstInnerPayload(), chain));
        return new IkeMessage(sealed.header(), payloads);
    }

    /** Verifies and decrypts one SKF message (RFC 7383 §2.6); for {@link FragmentReassembler}. */
    OpenedFragment openFragment(IkeMessage sealed, byte[] raw) throws IntegrityException, MalformedMessageException {
        if (!(sealed.payloads().getLast() instanceof EncryptedFragmentPayload skf)) {
            throw new IllegalArgumentException("not an SKF message: " + sealed);
        }
        return new OpenedFragment(
                sealed.header(),
                skf.fragmentNumber(),
                skf.totalFragments(),
                skf.firstInnerPayload(),
                open(sealed, raw, skf.content()));
    }

    private byte[] open(IkeMessage sealed, byte[] raw, byte[] content)
            throws IntegrityException, MalformedMessageException {
        if (raw.length != sealed.header().length() || content.length > raw.length) {
            throw new IllegalArgumentException("raw octets do not belong to " + sealed);
        }
        // The sealed payload is the message's last, so everything before its content is the associated data.
        try {
            return inbound.open(Arrays.copyOf(raw, raw.length - content.length), content);
        } catch (IntegrityException e) {
            integrityFailures.increment();
            throw e;
        } catch (MalformedMessageException e) {
            throw e.withHeader(sealed.header());
        }
    }

    /** Decodes an opened inner chain (SK and SKF may not appear in it) and wipes the octets. */
    List<IkePayload> decodeInner(IkeHeader header, int firstInner, byte[] chain) throws MalformedMessageException {
        try {
            return PayloadChain.decode(firstInner, new WireReader(chain), limits, true);
        } catch (MalformedMessageException e) {
            throw e.withHeader(header);
        } finally {
            Arrays.fill(chain, (byte) 0);
        }
    }

    /** Messages and fragments of this SA dropped because they failed the integrity check. */
    public long integrityFailures() {
        return integrityFailures.sum();
    }

    @Override
    public void destroy() {
        outbound.destroy();
        inbound.destroy();
    }

    @Override
    public boolean isDestroyed() {
        return outbound.isDestroyed() && inbound.isDestroyed();
    }

    @Override
    public String toString() {
        return "SkProtection[" + suite() + "]";
    }

    /** One verified fragment: its header, numbering and decrypted piece of the inner chain. */
    record OpenedFragment(IkeHeader header, int number, int total, int firstInner, byte[] plaintext) {
        void wipe() {
            Arrays.fill(plaintext, (byte) 0);
        }

        @Override
        public String toString() {
            return "fragment " + number + " of " + total + " (" + plaintext.length + " octets)";
        }
    }
}
