package io.ikeseal.agent.daemon;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.crypto.KeyAgreement;

import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.proposal.ProposalSelection;
import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.agent.protect.SkProtection;
import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.KeyExchangePayload;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.Proposal;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.kx.KeyExchangeData;

/**
 * An IKE initiator made of a bare DatagramSocket and the wire package, to put exact (and wrong) requests on the wire
 * and read the answers, with bounded waits. Its Diffie-Hellman runs in software (SunEC, group 19); after a completed
 * IKE_SA_INIT it derives the IKE SA's keys in software ({@link SoftwareIkeKeys}), so that it can send protected
 * requests the responder accepts as authentic without ever authenticating. Every message carries the non-ESP marker,
 * as on any IKE port other than 500 (RFC 3948 §2.2).
 */
final class RawInitiator implements AutoCloseable {
    static final String SUITE = "aes256gcm16-prfsha256-ecp256";
    private static final byte[] MARKER = new byte[4];

    private final DatagramSocket socket;
    private final InetSocketAddress responder;
    private final KeyPair ecdh;
    final long spiI;
    final byte[] ni = new byte[32];
    private final List<Proposal> offered = List.of(ConfiguredProposal.ike(SUITE).toWire(1, new byte[0], true));
    private long spiR;
    private SkProtection protection;

    RawInitiator(InetSocketAddress responder) throws IOException, GeneralSecurityException {
        this.responder = responder;
        this.socket = new DatagramSocket(new InetSocketAddress(responder.getAddress(), 0));
        SecureRandom random = new SecureRandom();
        random.nextBytes(ni);
        long spi;
        do {
            spi = random.nextLong();
        } while (spi == 0);
        spiI = spi;
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        ecdh = g.generateKeyPair();
    }

    /** Our group 19 public value, x | y (RFC 5903 §7). */
    byte[] publicValue() {
        return KeyExchangeData.encode(DhGroup.ECP_256, ecdh.getPublic());
    }

    SecurityAssociationPayload sa() {
        return new SecurityAssociationPayload(offered);
    }

    /** SA, KE and Ni of a valid IKE_SA_INIT request. */
    List<IkePayload> initPayloads() {
        return List.of(sa(), new KeyExchangePayload(DhGroup.ECP_256.id(), publicValue()), new NoncePayload(ni));
    }

    /** An IKE_SA_INIT request (message ID 0, responder SPI 0) with exactly {@code payloads}. */
    void sendInit(List<? extends IkePayload> payloads) throws IOException {
        send(new IkeMessage(IkeHeader.of(spiI, 0, ExchangeType.IKE_SA_INIT, true, false, 0), List.copyOf(payloads))
                .encode());
    }

    /** A valid IKE_SA_INIT request but for its KE payload: {@code group} and {@code data} as given. */
    void sendInitWithKe(int group, byte[] data) throws IOException {
        sendInit(List.of(sa(), new KeyExchangePayload(group, data), new NoncePayload(ni)));
    }

    /** An unprotected message of this SA's SPIs (once IKE_SA_INIT completed). */
    void sendUnprotected(ExchangeType type, long messageId, List<? extends IkePayload> payloads) throws IOException {
        send(new IkeMessage(IkeHeader.of(spiI, spiR, type, true, false, messageId), List.copyOf(payloads)).encode());
    }

    /** An SK-protected request with the keys of the completed IKE_SA_INIT. */
    void sendProtected(ExchangeType type, long messageId, List<? extends IkePayload> payloads) throws IOException {
        send(protection.protect(IkeHeader.of(spiI, spiR, type, true, false, messageId), payloads));
    }

    /**
     * Sends a valid IKE_SA_INIT, reads the answer and derives the IKE SA's keys from it: from here on the responder
     * holds a half-open SA with us.
     *
     * @return the responder's SPI
     */
    long completeInit() throws IOException, GeneralSecurityException {
        sendInit(initPayloads());
        IkeMessage answer =
                receive(Duration.ofSeconds(5)).orElseThrow(() -> new AssertionError("no IKE_SA_INIT " + "answer"));
        IkeSuite suite = ProposalSelection.acceptIke(
                        answer.first(SecurityAssociationPayload.class)
                                .orElseThrow()
                                .proposals(),
                        offered)
                .orElseThrow();
        KeyExchangePayload ke = answer.first(KeyExchangePayload.class).orElseThrow();
        byte[] nr = answer.first(NoncePayload.class).orElseThrow().nonce();
        spiR = answer.header().responderSpi();
        KeyAgreement ka = KeyAgreement.getInstance("ECDH", "SunEC");
        ka.init(ecdh.getPrivate());
        ka.doPhase(KeyExchangeData.decode(DhGroup.ECP_256, ke.keyExchangeData()), true);
        byte[] gir = ka.generateSecret();
        ProtectionSuite p = suite.protection();
        int prf = suite.prf().outputLength();
        int e = p.encryptionKeyLength();
        byte[] km = SoftwareIkeKeys.keymat(gir, ni, nr, spiI, spiR, prf + 2 * e);
        HostKey skEi = new HostKey("SK_ei", Arrays.copyOfRange(km, prf, prf + e));
        HostKey skEr = new HostKey("SK_er", Arrays.copyOfRange(km, prf + e, prf + 2 * e));
        protection = SkProtection.of(p.newCipher(skEi, null), p.newCipher(skEr, null), DecodeLimits.DEFAULT);
        Arrays.fill(km, (byte) 0);
        Arrays.fill(gir, (byte) 0);
        return spiR;
    }

    /** Fails unless the responder stays silent for half a second, far longer than it takes to answer on loopback. */
    void assertNoAnswer() throws IOException {
        Optional<IkeMessage> m = receive(Duration.ofMillis(500));
        if (m.isPresent()) {
            throw new AssertionError("expected no answer, got " + m.get());
        }
    }

    /** The next IKE message to us within {@code max}, or empty. */
    Optional<IkeMessage> receive(Duration max) throws IOException {
        byte[] buf = new byte[65_536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.setSoTimeout((int) max.toMillis());
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        }
        if (p.getLength() < MARKER.length || !Arrays.equals(buf, 0, MARKER.length, MARKER, 0, MARKER.length)) {
            throw new AssertionError("answer without the non-ESP marker");
        }
        try {
            return Optional.of(IkeMessageCodec.decode(Arrays.copyOfRange(buf, MARKER.length, p.getLength())));
        } catch (MalformedMessageException e) {
            throw new AssertionError("malformed answer: " + e.getMessage(), e);
        }
    }

    private void send(byte[] message) throws IOException {
        byte[] d = new byte[MARKER.length + message.length];
        System.arraycopy(message, 0, d, MARKER.length, message.length);
        socket.send(new DatagramPacket(d, d.length, responder));
    }

    @Override
    public void close() {
        if (protection != null) {
            protection.destroy();
        }
        socket.close();
    }
}
