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

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.ikeseal.agent.wire.AuthenticationPayload;
import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.schedule.Prf;
import io.ikeseal.hsm.token.SealedKey;
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
    static PresharedKeys keys;

    @BeforeAll
    static void importPsks() {
        SecureRandom r = new SecureRandom();
        r.nextBytes(SITE_A);
        r.nextBytes(SITE_B);
        keys = new PresharedKeys(tokens.hsm());
        await(PresharedKeys.importPsk(tokens.hsm(), "site-a", SITE_A.clone(), false));
        await(PresharedKeys.importPsk(tokens.hsm(), "site-b", SITE_B.clone(), false));
    }

    /** What a peer holding the PSK in software computes. */
    static byte[] reference(Prf prf, byte[] psk, byte[] octets) throws Exception {
        byte[] pad = SignedOctetsTest.hmac(prf.macAlgorithm(), psk,
                "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII));
        return SignedOctetsTest.hmac(prf.macAlgorithm(), pad, octets);
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

            AuthenticationPayload authI = await(initiator.authenticate(sa.initiatorOctets(idi), prf, Set.of(), sa.ctx()));
            AuthenticationPayload authR = await(responder.authenticate(sa.responderOctets(idr), prf, Set.of(), sa.ctx()));
            assertEquals(2, authI.method());
            assertArrayEquals(reference(prf, psk, sa.initiatorOctets(idi)), authI.data(), name + " " + prf);
            assertArrayEquals(reference(prf, psk, sa.responderOctets(idr)), authR.data(), name + " " + prf);
            assertFalse(Arrays.equals(authI.data(), authR.data()), "the two directions never share an AUTH");

            PeerAuthenticator responderChecks = PeerAuthenticator.psk(IkeIdentity.parse("branch.example"), keys, name,
                    tokens.audit());
            PeerAuthenticator initiatorChecks = PeerAuthenticator.psk(IkeIdentity.parse("192.0.2.1"), keys, name,
                    tokens.audit());
            AuthOutcome i = await(responderChecks.verify(idi, List.of(), authI, sa.initiatorOctets(idi), prf, sa.ctx()));
            AuthOutcome r = await(initiatorChecks.verify(idr, List.of(), authR, sa.responderOctets(idr), prf, sa.ctx()));
            assertTrue(i.authenticated(), i.toString());
            assertTrue(r.authenticated(), r.toString());
            assertNull(i.certificate());
            assertEquals("pre-shared key '" + name + "'", i.detail());

            // a responder AUTH replayed as the initiator's (reflection) fails
            assertFailed(AuthFailure.PSK_MISMATCH, await(responderChecks.verify(idi, List.of(), authR,
                    sa.initiatorOctets(idi), prf, sa.ctx())), sa);
        }
    }

    @Test
    void oneByteChangedInOctetsIdOrNonceFails() {
        Prf prf = Prf.HMAC_SHA2_256;
        TestSa sa = TestSa.of(prf, "192.0.2.7[500]");
        IdentificationPayload idi = IkeIdentity.parse("ops@branch.example").toPayload(PayloadType.IDI);
        byte[] octets = sa.initiatorOctets(idi);
        AuthenticationPayload auth = await(LocalAuthenticator.psk(keys, "site-a").authenticate(octets, prf, Set.of(),
                sa.ctx()));
        PeerAuthenticator peer = PeerAuthenticator.psk(null, keys, "site-a", tokens.audit());
        assertTrue(await(peer.verify(idi, List.of(), auth, octets, prf, sa.ctx())).authenticated());

        byte[] changed = octets.clone();
        changed[7] ^= 0x01;
        assertFailed(AuthFailure.PSK_MISMATCH, await(peer.verify(idi, List.of(), auth, changed, prf, sa.ctx())), sa);
        IdentificationPayload otherId = IkeIdentity.parse("ops@branch.examplf").toPayload(PayloadType.IDI);
        assertFailed(AuthFailure.PSK_MISMATCH, await(peer.verify(otherId, List.of(), auth, sa.initiatorOctets(otherId),
                prf, sa.ctx())), sa);
        byte[] nr = sa.nr().clone();
        nr[nr.length - 1] ^= 0x01;
        byte[] otherNonce = SignedOctets.initiator(sa.message1(), nr, prf, sa.skPi(), idi);
        assertFailed(AuthFailure.PSK_MISMATCH, await(peer.verify(idi, List.of(), auth, otherNonce, prf, sa.ctx())), sa);
        byte[] mac = auth.data().clone();
        mac[0] ^= 0x01;
        assertFailed(AuthFailure.PSK_MISMATCH, await(peer.verify(idi, List.of(), new AuthenticationPayload(2, mac),
                octets, prf, sa.ctx())), sa);
        assertFailed(AuthFailure.PSK_MISMATCH, await(peer.verify(idi, List.of(),
                new AuthenticationPayload(2, Arrays.copyOf(auth.data(), 16)), octets, prf, sa.ctx())), sa);
        assertFailed(AuthFailure.PSK_MISMATCH, await(peer.verify(idi, List.of(), auth, octets, Prf.HMAC_SHA2_384,
                sa.ctx())), sa);
    }

    @Test
    void anotherPskAnotherIdOrAnotherMethodFails() {
        Prf prf = Prf.HMAC_SHA2_512;
        TestSa sa = TestSa.of(prf, "192.0.2.7[500]");
        IdentificationPayload idr = IkeIdentity.parse("@hub.example").toPayload(PayloadType.IDR);
        byte[] octets = sa.responderOctets(idr);
        AuthenticationPayload auth = await(LocalAuthenticator.psk(keys, "site-b").authenticate(octets, prf, Set.of(),
                sa.ctx()));
        assertFailed(AuthFailure.PSK_MISMATCH, await(PeerAuthenticator.psk(null, keys, "site-a", tokens.audit())
                .verify(idr, List.of(), auth, octets, prf, sa.ctx())), sa);
        AuthOutcome wrongId = await(PeerAuthenticator.psk(IkeIdentity.parse("@spoke.example"), keys, "site-b",
                tokens.audit()).verify(idr, List.of(), auth, octets, prf, sa.ctx()));
        assertFailed(AuthFailure.ID_MISMATCH, wrongId, sa);
        assertEquals("IDr hub.example is not the configured spoke.example", wrongId.detail());
        assertFailed(AuthFailure.AUTH_METHOD, await(PeerAuthenticator.psk(null, keys, "site-b", tokens.audit())
                .verify(idr, List.of(), new AuthenticationPayload(14, auth.data()), octets, prf, sa.ctx())), sa);
        AuthOutcome missing = await(PeerAuthenticator.psk(null, keys, "never-imported", tokens.audit())
                .verify(idr, List.of(), auth, octets, prf, sa.ctx()));
        assertFailed(AuthFailure.TOKEN, missing, sa);
        assertTrue(missing.detail().contains("no pre-shared key 'never-imported'"), missing.detail());
    }

    @Test
    void everyTokenCallCarriesTheSasContextAndTheLogHoldsNoKeyOrMac() {
        Prf prf = Prf.HMAC_SHA2_256;
        TestSa sa = TestSa.of(prf, "198.51.100.4[4500]");
        IdentificationPayload idi = IkeIdentity.parse("@branch.example").toPayload(PayloadType.IDI);
        byte[] octets = sa.initiatorOctets(idi);
        AuthenticationPayload auth = await(LocalAuthenticator.psk(keys, "site-a").authenticate(octets, prf, Set.of(),
                sa.ctx()));
        await(PeerAuthenticator.psk(null, keys, "site-a", tokens.audit()).verify(idi, List.of(), auth, octets, prf,
                sa.ctx()));
        List<JsonNode> pads = tokens.audited("psk-keypad", sa.ctx());
        List<JsonNode> prfs = tokens.audited("prf", sa.ctx());
        assertEquals(2, pads.size(), "one key pad for our AUTH, one for checking the peer's");
        assertEquals(2, prfs.size());
        assertEquals("site-a", pads.get(0).get("key").asText());
        assertEquals("psk-keypad/site-a", prfs.get(0).get("key").asText());
        JsonNode passed = tokens.audited(AuthAudit.OK, sa.ctx()).getFirst();
        assertEquals("SHARED_KEY_MIC/prfsha256", passed.get("mechanism").asText());
        assertEquals("branch.example", passed.get("key").asText());
        assertEquals(sa.ctx().ikeSpiR(), passed.get("spiR").asText());

        String log = tokens.auditText().toLowerCase();
        HexFormat hex = HexFormat.of();
        assertFalse(log.contains(hex.formatHex(SITE_A, 0, 12)), "no PSK");
        assertFalse(log.contains(hex.formatHex(auth.data(), 0, 12)), "no MAC");
        assertTrue(tokens.verifyChain().ok());
    }

    @Test
    void theKeyPadIsDestroyedOnceTheMacIsOut() throws Exception {
        Prf prf = Prf.HMAC_SHA2_384;
        TestSa sa = TestSa.of(prf, "192.0.2.7[500]");
        byte[] octets = "octets".getBytes(StandardCharsets.US_ASCII);
        SealedKey pad = await(keys.keyPad(prf, "site-b", sa.ctx()));
        assertFalse(pad.isDestroyed());
        byte[] mac = await(PskAuth.macAndDestroy(tokens.hsm(), prf, pad, octets, sa.ctx()));
        assertTrue(pad.isDestroyed());
        assertArrayEquals(reference(prf, SITE_B, octets), mac);

        SealedKey again = await(keys.keyPad(prf, "site-b", sa.ctx()));
        java.util.concurrent.CompletableFuture<byte[]> refused = PskAuth.macAndDestroy(tokens.hsm(), prf, again,
                new byte[0], sa.ctx());
        assertTrue(refused.handle((v, e) -> e != null).get(), "empty octets are refused");
        assertTrue(again.isDestroyed(), "and the pad is gone anyway");
    }

    static void assertFailed(AuthFailure why, AuthOutcome outcome, TestSa sa) {
        assertEquals(why, outcome.failure(), outcome.toString());
        JsonNode last = tokens.audited(AuthAudit.FAILED, sa.ctx()).getLast();
        assertEquals(why.code() + ": " + outcome.detail(), last.get("result").asText());
    }
}
