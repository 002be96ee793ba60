package io.ikeseal.testhsm.strongswan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.testhsm.IdentitySpec;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.TestCa;
import io.ikeseal.testhsm.junit.CharonExtension;

/** Two real charons on loopback establish IKE and CHILD SAs; the keys both log must agree. */
class CharonToCharonTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    static CharonExtension initiator = CharonExtension.named("initiator");

    @RegisterExtension
    static CharonExtension responder = CharonExtension.named("responder");

    private static Charon a() {
        return initiator.charon();
    }

    private static Charon b() {
        return responder.charon();
    }

    @AfterEach
    void deleteSas() {
        for (IkeSa sa : a().listSas()) {
            a().terminateIke(sa.uniqueId(), TIMEOUT);
        }
    }

    /** a's side of a connection to b, or b's (with the roles' ids swapped). */
    private static Connection connection(String name, boolean onA, Auth local, Auth remote, String ike, String esp) {
        Connection c = Connection.named(name)
                .proposals(ike)
                .local(local)
                .remote(remote)
                .child(Child.named(name + "-net").espProposals(esp));
        return onA ? c.remotePort(b().ikePort()) : c;
    }

    @Test
    void pskWithAesGcmAndEcp256() {
        byte[] psk = new byte[32];
        new SecureRandom().nextBytes(psk);
        String ike = "aes256gcm16-prfsha256-ecp256";
        a().load(SwanctlConf.of(
                        connection("psk", true, Auth.psk("a.example"), Auth.psk("b.example"), ike, "aes256gcm16"))
                .psk(psk, "a.example", "b.example"));
        b().load(SwanctlConf.of(
                        connection("psk", false, Auth.psk("b.example"), Auth.psk("a.example"), ike, "aes256gcm16"))
                .psk(psk, "a.example", "b.example"));

        a().initiate("psk-net", TIMEOUT).orThrow();

        IkeSaKeys keys = assertBothSidesAgree("psk", "psk-net");
        assertFalse(keys.has(IkeKey.SK_AI), "AEAD: no SK_ai");
        assertEquals(36, keys.skEi().length, "AES-256 key + 4-octet GCM salt");
        assertEquals(32, keys.skD().length, "PRF_HMAC_SHA2_256 output");
        assertEquals(32, keys.get(IkeKey.SHARED_SECRET).length, "ECP-256 g^ir is x");
        IkeSa sa = onlyEstablished(a(), "psk");
        assertEquals(sa.uniqueId(), a().keys().child(sa.children().getFirst()).ikeUniqueId());
    }

    @Test
    void ecdsaP256CertificatesFromTestCa() {
        TestCa ca = TestCa.shared();
        var idA = CharonIdentity.generate(
                IdentitySpec.of("a", KeyKind.EC_P256, "CN=a.example,O=ikeseal", "a.example"), ca);
        var idB = CharonIdentity.generate(
                IdentitySpec.of("b", KeyKind.EC_P256, "CN=b.example,O=ikeseal", "b.example"), ca);
        a().trust(ca);
        b().trust(ca);
        String ike = "aes128gcm16-prfsha384-ecp256";
        a().load(SwanctlConf.of(connection(
                "ecdsa",
                true,
                Auth.pubkey("a.example").certs(a().install(idA)),
                Auth.pubkey("b.example"),
                ike,
                "aes128gcm16")));
        b().load(SwanctlConf.of(connection(
                "ecdsa",
                false,
                Auth.pubkey("b.example").certs(b().install(idB)),
                Auth.pubkey("a.example"),
                ike,
                "aes128gcm16")));

        a().initiate("ecdsa-net", TIMEOUT).orThrow();

        IkeSaKeys keys = assertBothSidesAgree("ecdsa", "ecdsa-net");
        assertEquals(48, keys.skD().length, "PRF_HMAC_SHA2_384 output");
        assertTrue(b().log().contains("authentication of 'a.example' with ECDSA_WITH_SHA"), () -> authLines(b()));
    }

    @Test
    void rsaPssCertificatesWithCbcAndHmac() {
        TestCa ca = TestCa.shared();
        var idA = CharonIdentity.generate(IdentitySpec.of("rsa-a", KeyKind.RSA_2048, "CN=a.example", "a.example"), ca);
        var idB = CharonIdentity.generate(IdentitySpec.of("rsa-b", KeyKind.RSA_2048, "CN=b.example", "b.example"), ca);
        a().trust(ca);
        b().trust(ca);
        String ike = "aes128-sha256-modp2048";
        String esp = "aes128-sha256";
        a().load(SwanctlConf.of(connection(
                "pss", true, Auth.rsaPss("a.example").certs(a().install(idA)), Auth.rsaPss("b.example"), ike, esp)));
        b().load(SwanctlConf.of(connection(
                "pss", false, Auth.rsaPss("b.example").certs(b().install(idB)), Auth.rsaPss("a.example"), ike, esp)));

        a().initiate("pss-net", TIMEOUT).orThrow();

        IkeSaKeys keys = assertBothSidesAgree("pss", "pss-net");
        assertEquals(32, keys.skAi().length, "HMAC_SHA2_256_128 key");
        assertEquals(16, keys.skEi().length, "AES-128-CBC key");
        assertEquals(256, keys.get(IkeKey.SHARED_SECRET).length, "MODP-2048 g^ir");
        assertTrue(
                b().log().contains("authentication of 'a.example' with RSA_EMSA_PSS_SHA2_256"), () -> authLines(b()));
        assertTrue(
                a().log().contains("authentication of 'b.example' with RSA_EMSA_PSS_SHA2_256"), () -> authLines(a()));
        ChildSaKeys child = a().keys().child(onlyChild(a(), "pss", "pss-net"));
        assertEquals(32, child.integrityInitiator().length);
        assertFalse(Arrays.equals(child.integrityInitiator(), child.integrityResponder()));
    }

    @Test
    void rekeyedIkeAndChildSasHaveAgreeingKeys() {
        byte[] psk = new byte[20];
        new SecureRandom().nextBytes(psk);
        String ike = "aes128-sha256-x25519";
        String esp = "aes128gcm16-x25519"; // a DH group: PFS when the CHILD_SA is rekeyed
        a().load(SwanctlConf.of(connection("rekey", true, Auth.psk("a.example"), Auth.psk("b.example"), ike, esp))
                .psk(psk, "a.example", "b.example"));
        b().load(SwanctlConf.of(connection("rekey", false, Auth.psk("b.example"), Auth.psk("a.example"), ike, esp))
                .psk(psk, "a.example", "b.example"));
        a().initiate("rekey-net", TIMEOUT).orThrow();
        IkeSa first = onlyEstablished(a(), "rekey");

        a().rekeyIke(first.uniqueId());
        IkeSa rekeyed = a().awaitIkeSa(
                        s -> s.name().equals("rekey")
                                && s.established()
                                && s.initiatorSpi() != first.initiatorSpi()
                                && !s.children().isEmpty(),
                        TIMEOUT);
        b().awaitIkeSa(s -> s.initiatorSpi() == rekeyed.initiatorSpi() && s.established(), TIMEOUT);
        a().awaitIkeSa(s -> a().listSas().size() == 1, TIMEOUT); // the old SA is deleted
        IkeSaKeys keys = assertBothSidesAgree("rekey", "rekey-net");
        assertEquals(32, keys.get(IkeKey.SHARED_SECRET).length, "X25519 g^ir of the rekey");
        assertFalse(Arrays.equals(keys.skD(), a().keys().ike(first).skD()), "new SK_d");

        // the responder rekeys the CHILD_SA: it is the initiator of that CREATE_CHILD_SA exchange
        ChildSa oldChild = onlyChild(b(), "rekey", "rekey-net");
        b().rekeyChild(oldChild.uniqueId());
        // the old CHILD_SA stays listed (charon.delete_rekeyed_delay, 5 s) but is no longer INSTALLED
        b().awaitIkeSa(
                        s -> installed(s, "rekey-net").size() == 1
                                && installed(s, "rekey-net").getFirst().spiIn() != oldChild.spiIn(),
                        TIMEOUT);
        a().awaitIkeSa(
                        s -> installed(s, "rekey-net").size() == 1
                                && installed(s, "rekey-net").getFirst().spiOut() != oldChild.spiIn(),
                        TIMEOUT);
        assertBothSidesAgree("rekey", "rekey-net");
        ChildSaKeys child = b().keys().child(onlyChild(b(), "rekey", "rekey-net"));
        assertEquals(32, child.get(ChildKey.DH_SECRET).length, "PFS with X25519");
        assertArrayEquals(
                child.get(ChildKey.DH_SECRET),
                a().keys().child(onlyChild(a(), "rekey", "rekey-net")).get(ChildKey.DH_SECRET));
    }

    @Test
    void proposalMismatchIsNoProposalChosen() {
        byte[] psk = "not a very secret test key".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        a().load(SwanctlConf.of(connection(
                        "mismatch",
                        true,
                        Auth.psk("a.example"),
                        Auth.psk("b.example"),
                        "aes128-sha256-x25519",
                        "aes128gcm16"))
                .psk(psk, "a.example", "b.example"));
        b().load(SwanctlConf.of(connection(
                        "mismatch",
                        false,
                        Auth.psk("b.example"),
                        Auth.psk("a.example"),
                        "aes256gcm16-prfsha384-ecp384",
                        "aes128gcm16"))
                .psk(psk, "a.example", "b.example"));

        InitiateResult r = a().initiate("mismatch-net", TIMEOUT);

        assertFalse(r.success(), r::output);
        assertEquals(List.of("NO_PROPOSAL_CHOSEN"), r.notifyErrors(), r::output);
        assertTrue(r.error().contains("mismatch-net"), r.error());
    }

    /** Both charons list the SA with the same SPIs and algorithms and logged the same keys. */
    private static IkeSaKeys assertBothSidesAgree(String conn, String child) {
        IkeSa sa = onlyEstablished(a(), conn);
        IkeSa peer = b().awaitIkeSa(s -> s.established() && s.initiatorSpi() == sa.initiatorSpi(), TIMEOUT);
        assertTrue(sa.initiator());
        assertFalse(peer.initiator());
        assertEquals(sa.responderSpi(), peer.responderSpi());
        assertEquals(
                List.of(sa.encrAlg(), sa.encrKeySize(), sa.integAlg(), sa.prfAlg(), sa.dhGroup()),
                List.of(peer.encrAlg(), peer.encrKeySize(), peer.integAlg(), peer.prfAlg(), peer.dhGroup()));

        IkeSaKeys keys = a().keys().ike(sa);
        IkeSaKeys peerKeys = b().keys().ike(peer);
        assertEquals(List.of(), keys.differences(peerKeys), () -> keys + " vs " + peerKeys);
        assertEquals(conn, peerKeys.name(), "the responder's SA is named once IKE_AUTH picked its config");
        assertFalse(Arrays.equals(keys.skEi(), keys.skEr()));
        assertFalse(Arrays.equals(keys.skPi(), keys.skPr()));

        ChildSa c = onlyChild(a(), conn, child);
        ChildSa pc = onlyChild(b(), conn, child);
        assertEquals(c.spiIn(), pc.spiOut());
        assertEquals(c.spiOut(), pc.spiIn());
        assertTrue(c.encap(), "kernel-libipsec: ESP in UDP");
        ChildSaKeys ck = a().keys().child(c);
        ChildSaKeys pck = b().keys().child(pc);
        assertEquals(List.of(), ck.differences(pck), () -> ck + " vs " + pck);
        assertFalse(Arrays.equals(ck.encryptionInitiator(), ck.encryptionResponder()));
        assertArrayEquals(ck.encryptionInitiator(), pck.encryptionInitiator());
        return keys;
    }

    private static String authLines(Charon charon) {
        return charon.log().lines().filter(l -> l.contains("authentication of")).reduce("", (x, y) -> x + y + "\n");
    }

    private static IkeSa onlyEstablished(Charon charon, String conn) {
        List<IkeSa> sas = charon.listSas().stream()
                .filter(s -> s.name().equals(conn) && s.established())
                .toList();
        assertEquals(1, sas.size(), () -> charon.name() + " has " + sas);
        return sas.getFirst();
    }

    private static ChildSa onlyChild(Charon charon, String conn, String child) {
        List<ChildSa> children = installed(onlyEstablished(charon, conn), child);
        assertEquals(1, children.size(), children::toString);
        return children.getFirst();
    }

    private static List<ChildSa> installed(IkeSa sa, String child) {
        return sa.children(child).stream()
                .filter(c -> c.state().equals("INSTALLED"))
                .toList();
    }
}
