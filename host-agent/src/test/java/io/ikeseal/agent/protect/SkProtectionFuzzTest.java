package io.ikeseal.agent.protect;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.EncryptedPayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.FuzzOracle;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.PayloadChain;
import io.ikeseal.agent.wire.WiresharkCaptures;
import io.ikeseal.hsm.api.HostKey;

/**
 * Fuzz target: opening SK payloads (RFC 7296 §3.14) with fixed keys, the published SK_e/SK_a of Wireshark's
 * AES-256-GCM-16 and AES-256-CBC with HMAC-SHA2-256-128 captures. Every input is tried two ways:
 *
 * <ul>
 *   <li>as a datagram from the network: decoded, and if it ends in SK, opened with the keys of the direction its
 *       I flag names, under both suites. It may open, fail its integrity check ({@link IntegrityException}) or be
 *       malformed; nothing else.</li>
 *   <li>as the plaintext of an SK payload, octet 0 naming the first inner payload: sealed with the fixed
 *       AES-GCM-16 keys, so its ICV is right, and opened again. It may open or be malformed; an
 *       {@link IntegrityException} is a finding.</li>
 * </ul>
 * Whatever opens must have inner payloads that pass {@link FuzzOracle}: they encode to a chain that decodes and
 * encodes to the same octets.
 *
 * <p>Seeds are the captures' SK messages and their opened inner chains. Run by {@code ./check} and by
 * {@code scripts/fuzz sk SECONDS}.
 */
class SkProtectionFuzzTest {
    private static final String GCM16 = "ikev2-decrypt-aes256gcm16";
    private static final String CBC = "ikev2-decrypt-aes256cbc";

    /** Opens what each capture's initiator (index 0) and responder (index 1) sent. */
    private static final SkProtection[] GCM16_RECEIVERS = receivers(GCM16, ProtectionSuite.of(20, 256, 0));

    private static final SkProtection[] CBC_RECEIVERS = receivers(CBC, ProtectionSuite.of(12, 256, 12));
    /** Seals as the AES-GCM-16 capture's initiator: what {@code GCM16_RECEIVERS[0]} opens. */
    private static final SkCipher GCM16_INITIATOR = cipher(GCM16, ProtectionSuite.of(20, 256, 0), true);
    /** SPIs and Message ID are the SA table's business; the ICV covers them like any other octet. */
    private static final IkeHeader HEADER = IkeHeader.of(1, 2, ExchangeType.IKE_AUTH, true, false, 1);

    static Stream<Arguments> seeds() throws Exception {
        Stream.Builder<byte[]> seeds = Stream.builder();
        for (String capture : List.of(GCM16, CBC)) {
            for (WiresharkCaptures.Frame f : WiresharkCaptures.all().get(capture)) {
                IkeMessage sealed = IkeMessageCodec.decode(f.message());
                if (sealed.payloads().getLast() instanceof EncryptedPayload sk) {
                    seeds.add(f.message());
                    IkeMessage opened = receiver(capture.equals(GCM16) ? GCM16_RECEIVERS : CBC_RECEIVERS, sealed)
                            .unprotect(sealed, f.message());
                    List<IkePayload> inner = opened.payloads();
                    byte[] chain = PayloadChain.encode(inner);
                    byte[] plaintext = new byte[1 + chain.length];
                    plaintext[0] = (byte) sk.firstInnerPayload();
                    System.arraycopy(chain, 0, plaintext, 1, chain.length);
                    seeds.add(plaintext);
                }
            }
        }
        return seeds.build().map(s -> Arguments.of((Object) s));
    }

    @MethodSource("seeds")
    @FuzzTest
    void unprotect(byte[] input) throws Exception {
        asReceived(input);
        if (input.length > 0) {
            asPlaintext(input[0] & 0xff, Arrays.copyOfRange(input, 1, input.length));
        }
    }

    private static void asReceived(byte[] datagram) {
        IkeMessage sealed = FuzzOracle.decode(datagram);
        if (sealed == null
                || sealed.payloads().isEmpty()
                || !(sealed.payloads().getLast() instanceof EncryptedPayload)) {
            return;
        }
        for (SkProtection[] receivers : List.of(GCM16_RECEIVERS, CBC_RECEIVERS)) {
            try {
                IkeMessage opened = receiver(receivers, sealed).unprotect(sealed, datagram);
                FuzzOracle.assertInnerRoundTrip(opened.payloads(), -1);
            } catch (IntegrityException | MalformedMessageException dropped) {
                // the two answers a receiver may give
            }
        }
    }

    private static void asPlaintext(int firstInner, byte[] chain) throws MalformedMessageException {
        byte[] datagram = SealedMessages.sk(GCM16_INITIATOR, HEADER, firstInner, chain);
        IkeMessage sealed = IkeMessageCodec.decode(datagram);
        IkeMessage opened;
        try {
            opened = GCM16_RECEIVERS[0].unprotect(sealed, datagram);
        } catch (MalformedMessageException malformed) {
            return;
        } catch (IntegrityException e) {
            throw new AssertionError("a message sealed with the right keys failed its integrity check", e);
        }
        FuzzOracle.assertInnerRoundTrip(opened.payloads(), chain.length);
    }

    private static SkProtection receiver(SkProtection[] receivers, IkeMessage sealed) {
        return receivers[sealed.header().fromInitiator() ? 0 : 1];
    }

    private static SkProtection[] receivers(String capture, ProtectionSuite suite) {
        SkCipher initiator = cipher(capture, suite, true);
        SkCipher responder = cipher(capture, suite, false);
        return new SkProtection[] {
            SkProtection.of(cipher(capture, suite, false), initiator, DecodeLimits.DEFAULT),
            SkProtection.of(cipher(capture, suite, true), responder, DecodeLimits.DEFAULT)
        };
    }

    /** A cipher under the keys the capture's initiator (SK_ei, SK_ai) or responder (SK_er, SK_ar) sends with. */
    private static SkCipher cipher(String capture, ProtectionSuite suite, boolean initiator) {
        byte[] frame1 = WiresharkCaptures.frame(capture, 1);
        WiresharkCaptures.Keys k = WiresharkCaptures.keys(HexFormat.of().formatHex(frame1, 0, 8));
        return initiator
                ? suite.newCipher(new HostKey("SK_ei", k.skEi()), new HostKey("SK_ai", k.skAi()))
                : suite.newCipher(new HostKey("SK_er", k.skEr()), new HostKey("SK_ar", k.skAr()));
    }
}
