package io.ikeseal.agent.protect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.MalformedReason;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.PayloadChain;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.VendorIdPayload;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.token.SealedKey;

/** Whole messages: {@code protect} builds them, the codec reads them, {@code unprotect} opens them. */
class SkProtectionTest {
    private static final IkeHeader REQUEST =
            IkeHeader.of(0x1122334455667788L, 0x99aabbccddeeff00L, ExchangeType.IKE_AUTH, true, false, 1);

    static List<ProtectionSuite> suites() {
        return Suites.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void randomChainsRoundTrip(ProtectionSuite s) throws Exception {
        SkProtection p = Suites.loopback(s, 20);
        Random r = new Random(21);
        for (int i = 0; i < 25; i++) {
            List<IkePayload> inner = Suites.randomChain(r, 12);
            byte[] raw = p.protect(REQUEST, inner);
            assertEquals(p.protectedLength(inner), raw.length);
            IkeMessage sealed = IkeMessageCodec.decode(raw);
            assertEquals(PayloadType.SK.code(), sealed.header().nextPayload());
            IkeMessage opened = p.unprotect(sealed, raw);
            assertEquals(sealed.header(), opened.header());
            assertEquals(Suites.encoded(inner), Suites.encoded(opened.payloads()));
        }
        assertEquals(0, p.integrityFailures());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void emptySkForALivenessCheck(ProtectionSuite s) throws Exception {
        SkProtection p = Suites.loopback(s, 22);
        IkeHeader informational = IkeHeader.of(1, 2, ExchangeType.INFORMATIONAL, false, false, 7);
        byte[] raw = p.protect(informational, List.of());
        IkeMessage opened = p.unprotect(IkeMessageCodec.decode(raw), raw);
        assertEquals(List.of(), opened.payloads());
        assertEquals(7, opened.header().messageId());
    }

    /** Through the codec: any flipped bit that still decodes fails integrity, and is counted. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void everyFlippedBitOfTheDatagramIsRefused(ProtectionSuite s) throws Exception {
        SkProtection p = Suites.loopback(s, 23);
        byte[] raw = p.protect(REQUEST, List.of(new VendorIdPayload(new byte[] {1, 2, 3, 4, 5})));
        long refused = 0;
        for (int bit = 0; bit < raw.length * 8; bit++) {
            byte[] bad = raw.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            IkeMessage sealed;
            try {
                sealed = IkeMessageCodec.decode(bad);
            } catch (MalformedMessageException e) {
                continue; // the codec's drop: the length, version or chain fields no longer add up
            }
            if (!sealed.isSealed()) {
                continue;
            }
            if (sealed.payloads().getLast() instanceof io.ikeseal.agent.wire.EncryptedPayload) {
                assertThrows(IntegrityException.class, () -> p.unprotect(sealed, bad), "bit " + bit);
                refused++;
            }
        }
        assertTrue(refused > raw.length * 6L, "most flips reach the integrity check: " + refused);
        assertEquals(refused, p.integrityFailures());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void validIcvAroundAMalformedChainIsInvalidSyntax(ProtectionSuite s) throws Exception {
        Suites.Keyed k = Suites.keyed(s, 24);
        SkCipher out = k.cipher();
        SkProtection p = k.protection();
        byte[] shortNonce = PayloadChain.encode(List.of(new VendorIdPayload(new byte[3])));
        byte[] skInside = PayloadChain.encode(List.of(new io.ikeseal.agent.wire.EncryptedPayload(0, new byte[8])));
        for (byte[][] c : new byte[][][] {
            {{(byte) PayloadType.NONCE.code()}, shortNonce}, // a 3-octet Nonce
            {{(byte) PayloadType.SK.code()}, skInside}, // SK inside SK
            {{(byte) PayloadType.NONCE.code()}, new byte[2]}, // a chain that names a payload it lacks
            {{(byte) PayloadType.VENDOR_ID.code()}, HexFormat.of().parseHex("0000000601020304")}
        }) {
            byte[] raw = SealedMessages.sk(out, REQUEST, c[0][0] & 0xff, c[1]);
            MalformedMessageException ex =
                    assertThrows(MalformedMessageException.class, () -> p.unprotect(IkeMessageCodec.decode(raw), raw));
            assertEquals(NotifyType.INVALID_SYNTAX, ex.notifyType(), ex.getMessage());
            assertEquals(REQUEST.messageId(), ex.header().messageId());
        }
        assertEquals(0, p.integrityFailures(), "these are authentic, not forged");
    }

    @Test
    void tooManyInnerPayloadsAreRefusedByTheLimits() throws Exception {
        ProtectionSuite s = ProtectionSuite.of(20, 128, 0);
        Random r = new Random(25);
        HostKey e = Suites.skE(s, r);
        SkProtection p = SkProtection.of(s.newCipher(e, null), s.newCipher(e, null), new DecodeLimits(65_535, 3));
        List<IkePayload> four = List.of(
                new NoncePayload(new byte[16]),
                new NoncePayload(new byte[16]),
                new NoncePayload(new byte[16]),
                new NoncePayload(new byte[16]));
        byte[] raw = p.protect(REQUEST, four);
        MalformedMessageException ex =
                assertThrows(MalformedMessageException.class, () -> p.unprotect(IkeMessageCodec.decode(raw), raw));
        assertEquals(MalformedReason.TOO_MANY, ex.reason());
    }

    /** The original initiator seals with SK_ei/SK_ai and the original responder with SK_er/SK_ar (§2.14). */
    @Test
    void rolesPickTheirDirectionsKeys() throws Exception {
        ProtectionSuite s = ProtectionSuite.of(12, 128, 12);
        Random r = new Random(26);
        // SK_d plays no part in message protection; a software stand-in suffices here.
        SealedKey skD = new SealedKey(null, "SK_d", new SecretKeySpec(Suites.bytes(r, 32), "HKDF"), 32);
        IkeSaSecrets keys = new IkeSaSecrets(
                skD,
                new HostKey("SK_ai", Suites.bytes(r, 32)),
                new HostKey("SK_ar", Suites.bytes(r, 32)),
                new HostKey("SK_ei", Suites.bytes(r, 16)),
                new HostKey("SK_er", Suites.bytes(r, 16)),
                new HostKey("SK_pi", Suites.bytes(r, 32)),
                new HostKey("SK_pr", Suites.bytes(r, 32)));
        SkProtection initiator = SkProtection.originalInitiator(s, keys, DecodeLimits.DEFAULT);
        SkProtection responder = SkProtection.originalResponder(s, keys, DecodeLimits.DEFAULT);
        List<IkePayload> inner = List.of(new NoncePayload(new byte[32]));

        byte[] request = initiator.protect(REQUEST, inner);
        assertEquals(
                Suites.encoded(inner),
                Suites.encoded(responder
                        .unprotect(IkeMessageCodec.decode(request), request)
                        .payloads()));
        IkeHeader response =
                IkeHeader.of(REQUEST.initiatorSpi(), REQUEST.responderSpi(), ExchangeType.IKE_AUTH, false, true, 1);
        byte[] answer = responder.protect(response, inner);
        assertEquals(
                1,
                initiator
                        .unprotect(IkeMessageCodec.decode(answer), answer)
                        .payloads()
                        .size());

        // Reflected back at its sender, a message fails: the directions' keys differ.
        assertThrows(IntegrityException.class, () -> initiator.unprotect(IkeMessageCodec.decode(request), request));
        assertEquals(1, initiator.integrityFailures());

        // The key bytes were copied into the ciphers: destroying the IkeSaSecrets does not break the SA's ciphers.
        keys.destroy();
        assertEquals(
                1,
                responder
                        .unprotect(IkeMessageCodec.decode(request), request)
                        .payloads()
                        .size());
        initiator.destroy();
        assertTrue(initiator.isDestroyed());
        assertThrows(IllegalStateException.class, () -> initiator.protect(REQUEST, inner));
    }

    @Test
    void callersMistakesAreRefused() throws Exception {
        SkProtection p = Suites.loopback(ProtectionSuite.of(20, 256, 0), 27);
        byte[] raw = p.protect(REQUEST, List.of(new NoncePayload(new byte[16])));
        IkeMessage sealed = IkeMessageCodec.decode(raw);
        assertThrows(IllegalArgumentException.class, () -> p.unprotect(sealed, java.util.Arrays.copyOf(raw, 40)));
        List<byte[]> fragments =
                p.protectFragments(REQUEST, List.of(new NoncePayload(new byte[16])), FragmentSize.ipv4Default(false));
        IkeMessage skf = IkeMessageCodec.decode(fragments.getFirst());
        assertThrows(IllegalArgumentException.class, () -> p.unprotect(skf, fragments.getFirst()));
        List<IkePayload> huge = List.of(new VendorIdPayload(new byte[65_500]));
        assertThrows(IllegalArgumentException.class, () -> p.protect(REQUEST, huge));
        assertSame(ProtectionSuite.of(20, 256, 0).encryption(), p.suite().encryption());
    }
}
