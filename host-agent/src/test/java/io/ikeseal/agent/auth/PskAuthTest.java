package io.ikeseal.agent.auth;

import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.ikeseal.agent.wire.AuthenticationPayload;
import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.hsm.api.IkeCrypto;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.port.TokenIkeCrypto;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * PSK AUTH entirely in a sealed NSS key-exchange token: AUTH = prf(prf(PSK, "Key Pad for IKEv2"), octets)
 * (RFC 7296 §2.15) equals a plain JDK HMAC of the same PSK for every PRF, both sides compute and check it in the
 * token, and nothing the token derived is left behind.
 */
class PskAuthTest {
    static final NssExtension nss = NssExtension.create().withName("authpsk");

    @RegisterExtension
    static final AuthFixture tokens = AuthFixture.hsm(nss);

    /** 32 octets, and one longer than every HMAC block (hashed before use, RFC 2104). */
    static final byte[] SITE_A = new byte[32];

    static final byte[] SITE_B = new byte[200];
    static IkeCrypto keys;

    @BeforeAll
    static void importPsks() {
        SecureRandom r = new SecureRandom();
        r.nextBytes(SITE_A);
        r.nextBytes(SITE_B);
        keys = TokenIkeCrypto.of(tokens.hsm());
        await(PresharedKeys.importPsk(tokens.hsm(), "site-a", SITE_A.clone(), false));
        await(PresharedKeys.importPsk(tokens.hsm(), "site-b", SITE_B.clone(), false));
    }

    /** What a peer holding the PSK in software computes. */
    static byte[] reference(Prf prf, byte[] psk, byte[] octets) throws Exception {
        byte[] pad =
                SignedOctetsTest.hmac(prf.macAlgorithm(), psk, "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII));
        return SignedOctetsTest.hmac(prf.macAlgorithm(), pad, octets);
    }

    /** Our AUTH with PSK {@code name} over the octets of our role in a fresh SA, as the peer receives it. */
    record Sent(TestSa sa, IdentificationPayload id, byte[] octets, AuthenticationPayload auth) {
        static Sent by(String name, Prf prf, String id, boolean initiator) {
            TestSa sa = TestSa.of(prf, "192.0.2.7[500]");
            IdentificationPayload payload =
                    IkeIdentity.parse(id).toPayload(initiator ? PayloadType.IDI : PayloadType.IDR);
            byte[] octets = initiator ? sa.initiatorOctets(payload) : sa.responderOctets(payload);
            return new Sent(
                    sa,
                    payload,
                    octets,
                    await(LocalAuthenticator.psk(keys, name).authenticate(octets, prf, Set.of(), sa.ctx())));
        }

        AuthOutcome checkedBy(PeerAuthenticator peer) {
            return checkedBy(peer, auth, octets);
        }

        AuthOutcome checkedBy(PeerAuthenticator peer, AuthenticationPayload a, byte[] o) {
            return await(peer.verify(id, List.of(), a, o, sa.prf(), sa.ctx()));
        }
    }

    @ParameterizedTest
    @EnumSource(Prf.class)
    void tokenAuthEqualsTheSoftwareReferenceAndVerifiesBothWays(Prf prf) throws Exception {
        for (String name : List.of("site-a", "site-b")) {
            byte[] psk = name.equals("site-a") ? SITE_A : SITE_B;
            TestSa sa = TestSa.of(prf, "192.0.2.7[500]");
            IdentificationPayload idi = IkeIdentity.parse("@branch.example").toPayload(PayloadType.IDI);
            IdentificationPayload idr = IkeIdentity.parse("192.0.2.1").toPayload(PayloadType.IDR);
            LocalAuthenticator initiator = LocalAuthenticator.psk(keys, name);
            LocalAuthenticator responder = LocalAuthenticator.psk(keys, name);
            assertEquals(List.of(), initiator.certificates());

            AuthenticationPayload authI =
                    await(initiator.authenticate(sa.initiatorOctets(idi), prf, Set.of(), sa.ctx()));
            AuthenticationPayload authR =
                    await(responder.authenticate(sa.responderOctets(idr), prf, Set.of(), sa.ctx()));
            assertEquals(2, authI.method());
            assertArrayEquals(reference(prf, psk, sa.initiatorOctets(idi)), authI.data(), name + " " + prf);
            assertArrayEquals(reference(prf, psk, sa.responderOctets(idr)), authR.data(), name + " " + prf);
            assertFalse(Arrays.equals(authI.data(), authR.data()), "the two directions never share an AUTH");

            PeerAuthenticator responderChecks =
                    PeerAuthenticator.psk(IkeIdentity.parse("branch.example"), keys, name, tokens.audit());
            PeerAuthenticator initiatorChecks =
                    PeerAuthenticator.psk(IkeIdentity.parse("192.0.2.1"), keys, name, tokens.audit());
            AuthOutcome i =
                    await(responderChecks.verify(idi, List.of(), authI, sa.initiatorOctets(idi), prf, sa.ctx()));
            AuthOutcome r =
                    await(initiatorChecks.verify(idr, List.of(), authR, sa.responderOctets(idr), prf, sa.ctx()));
            assertTrue(i.authenticated(), i.toString());
            assertTrue(r.authenticated(), r.toString());
            assertNull(i.certificate());
            assertEquals("pre-shared key '" + name + "'", i.detail());

            // a responder AUTH replayed as the initiator's (reflection) fails
            assertFailed(
                    AuthFailure.PSK_MISMATCH,
                    await(responderChecks.verify(idi, List.of(), authR, sa.initiatorOctets(idi), prf, sa.ctx())),
                    sa);
        }
    }

    @Test
    void oneByteChangedInOctetsIdOrNonceFails() {
        Sent sent = Sent.by("site-a", Prf.HMAC_SHA2_256, "ops@branch.example", true);
        TestSa sa = sent.sa();
        PeerAuthenticator peer = PeerAuthenticator.psk(null, keys, "site-a", tokens.audit());
        assertTrue(sent.checkedBy(peer).authenticated());

        byte[] changed = sent.octets().clone();
        changed[7] ^= 0x01;
        assertFailed(AuthFailure.PSK_MISMATCH, sent.checkedBy(peer, sent.auth(), changed), sa);
        IdentificationPayload otherId = IkeIdentity.parse("ops@branch.examplf").toPayload(PayloadType.IDI);
        assertFailed(
                AuthFailure.PSK_MISMATCH,
                await(peer.verify(otherId, List.of(), sent.auth(), sa.initiatorOctets(otherId), sa.prf(), sa.ctx())),
                sa);
        byte[] nr = sa.nr().clone();
        nr[nr.length - 1] ^= 0x01;
        byte[] otherNonce = SignedOctets.initiator(sa.message1(), nr, sa.prf(), sa.skPi(), sent.id());
        assertFailed(AuthFailure.PSK_MISMATCH, sent.checkedBy(peer, sent.auth(), otherNonce), sa);
        byte[] mac = sent.auth().data().clone();
        mac[0] ^= 0x01;
        assertFailed(
                AuthFailure.PSK_MISMATCH, sent.checkedBy(peer, new AuthenticationPayload(2, mac), sent.octets()), sa);
        assertFailed(
                AuthFailure.PSK_MISMATCH,
                sent.checkedBy(
                        peer,
                        new AuthenticationPayload(2, Arrays.copyOf(sent.auth().data(), 16)),
                        sent.octets()),
                sa);
        assertFailed(
                AuthFailure.PSK_MISMATCH,
                await(peer.verify(sent.id(), List.of(), sent.auth(), sent.octets(), Prf.HMAC_SHA2_384, sa.ctx())),
                sa);
    }

    @Test
    void anotherPskAnotherIdOrAnotherMethodFails() {
        Sent sent = Sent.by("site-b", Prf.HMAC_SHA2_512, "@hub.example", false);
        TestSa sa = sent.sa();
        assertFailed(
                AuthFailure.PSK_MISMATCH,
                sent.checkedBy(PeerAuthenticator.psk(null, keys, "site-a", tokens.audit())),
                sa);
        AuthOutcome wrongId = sent.checkedBy(
                PeerAuthenticator.psk(IkeIdentity.parse("@spoke.example"), keys, "site-b", tokens.audit()));
        assertFailed(AuthFailure.ID_MISMATCH, wrongId, sa);
        assertEquals("IDr hub.example is not the configured spoke.example", wrongId.detail());
        PeerAuthenticator right = PeerAuthenticator.psk(null, keys, "site-b", tokens.audit());
        assertFailed(
                AuthFailure.AUTH_METHOD,
                sent.checkedBy(right, new AuthenticationPayload(14, sent.auth().data()), sent.octets()),
                sa);
        AuthOutcome missing = sent.checkedBy(PeerAuthenticator.psk(null, keys, "never-imported", tokens.audit()));
        assertFailed(AuthFailure.TOKEN, missing, sa);
        assertTrue(missing.detail().contains("no pre-shared key 'never-imported'"), missing.detail());
        AuthOutcome badName = sent.checkedBy(PeerAuthenticator.psk(null, keys, "no spaces allowed", tokens.audit()));
        assertFailed(AuthFailure.TOKEN, badName, sa);
        assertTrue(badName.detail().contains("pre-shared key name must be"), badName.detail());
    }

    @Test
    void everyTokenCallCarriesTheSasContextAndTheLogHoldsNoKeyOrMac() {
        Sent sent = Sent.by("site-a", Prf.HMAC_SHA2_256, "@branch.example", true);
        TestSa sa = sent.sa();
        sent.checkedBy(PeerAuthenticator.psk(null, keys, "site-a", tokens.audit()));
        List<JsonNode> pads = tokens.audited("psk-keypad", sa.ctx());
        List<JsonNode> prfs = tokens.audited("prf", sa.ctx());
        // The key pad is derived once per PSK and kept in the token (PresharedKeys.auth): at most one derivation here,
        // then one prf under it for our AUTH and one for checking the peer's.
        assertTrue(pads.size() <= 1, "the key pad is derived at most once: " + pads);
        pads.forEach(p -> assertEquals("site-a", p.get("key").asText()));
        assertEquals(2, prfs.size());
        assertEquals("psk-keypad/site-a", prfs.get(0).get("key").asText());
        assertEquals("psk-keypad/site-a", prfs.get(1).get("key").asText());
        JsonNode passed = tokens.audited(AuthAudit.OK, sa.ctx()).getFirst();
        assertEquals("SHARED_KEY_MIC/prfsha256", passed.get("mechanism").asText());
        assertEquals("branch.example", passed.get("key").asText());
        assertEquals(sa.ctx().ikeSpiR(), passed.get("spiR").asText());

        String log = tokens.auditText().toLowerCase(java.util.Locale.ROOT);
        HexFormat hex = HexFormat.of();
        assertFalse(log.contains(hex.formatHex(SITE_A, 0, 12)), "no PSK");
        assertFalse(log.contains(hex.formatHex(sent.auth().data(), 0, 12)), "no MAC");
        assertTrue(tokens.verifyChain().ok());
    }

    static void assertFailed(AuthFailure why, AuthOutcome outcome, TestSa sa) {
        assertEquals(why, outcome.failure(), outcome.toString());
        JsonNode last = tokens.audited(AuthAudit.FAILED, sa.ctx()).getLast();
        assertEquals(why.code() + ": " + outcome.detail(), last.get("result").asText());
    }
}
