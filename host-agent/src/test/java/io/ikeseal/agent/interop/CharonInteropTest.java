package io.ikeseal.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.daemon.CapturingInstaller;
import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.daemon.TestDeployment;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.testhsm.IdentitySpec;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.junit.CharonExtension;
import io.ikeseal.testhsm.strongswan.Auth;
import io.ikeseal.testhsm.strongswan.Charon;
import io.ikeseal.testhsm.strongswan.CharonIdentity;
import io.ikeseal.testhsm.strongswan.Child;
import io.ikeseal.testhsm.strongswan.ChildSa;
import io.ikeseal.testhsm.strongswan.ChildSaKeys;
import io.ikeseal.testhsm.strongswan.Connection;
import io.ikeseal.testhsm.strongswan.IkeSa;
import io.ikeseal.testhsm.strongswan.SwanctlConf;

/**
 * ikeseal against a real strongSwan charon on loopback, in both directions: ikeseal's keys in SoftHSM (identity)
 * and NSS softoken (key exchange, PSK), charon's in files. Each successful scenario compares the CHILD_SA keys
 * ikeseal handed its installer with the ones charon logs.
 */
class CharonInteropTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final ExchangeSettings FAST = ExchangeSettings.DEFAULT
            .withRetransmit(Duration.ofMillis(500), 1.5, 3)
            .withClosedLinger(Duration.ofSeconds(2));
    static final String CHARON_ID = CharonPeer.CHARON_ID;

    @RegisterExtension
    static CharonExtension peer = CharonExtension.named("peer");

    @TempDir
    static Path dir;

    static CharonPeer charonPeer;
    static TestDeployment deployment;
    static TokenSet tokens;
    static String charonEcdsaCert;
    static String charonRsaCert;
    private IkeDaemon daemon;

    @BeforeAll
    static void deploy() throws Exception {
        charonPeer = CharonPeer.of(peer.charon(), TestDeployment.create(dir), true);
        deployment = charonPeer.deployment();
        tokens = charonPeer.tokens();
        charonEcdsaCert = charonPeer.certificate("charon-ecdsa", KeyKind.EC_P256);
        charonRsaCert = charonPeer.certificate("charon-rsa", KeyKind.RSA_3072);
    }

    @AfterEach
    void stopDaemon() {
        if (daemon != null) {
            daemon.close();
            daemon = null;
        }
        charonPeer.terminateAll();
    }

    @AfterAll
    static void release() {
        if (charonPeer != null) {
            charonPeer.close();
        }
    }

    private IkeDaemon daemon(String name, String connection, CapturingInstaller installed) throws Exception {
        Path cfg = deployment.writeConfig(name, "audit.log", """
                listen: [127.0.0.1]
                connections:
                %s
                """.formatted(connection
                .indent(2)
                .replace("CHARON_PORT", Integer.toString(peer.charon().ikePort()))));
        daemon = IkeDaemon.start(
                IkesealConfig.load(cfg),
                tokens,
                IkeDaemon.Options.defaults()
                        .withPorts(0, 0)
                        .withInstaller(installed)
                        .withSettings(FAST));
        return daemon;
    }

    private static void assertChildKeysAgree(CapturingInstaller.Installed ours, boolean weInitiated) {
        Charon c = peer.charon();
        IkeSa sa = c.awaitIkeSa(s -> s.established() && !s.children().isEmpty(), TIMEOUT);
        ChildSa child = sa.children().getFirst();
        ChildSaKeys theirs = c.keys().child(child);
        HexFormat h = HexFormat.of();
        // "initiator" is the initiator of the exchange that made the CHILD_SA, the same on both sides.
        assertEquals(h.formatHex(theirs.encryptionInitiator()), ours.encI(), "encryption initiator key");
        assertEquals(h.formatHex(theirs.encryptionResponder()), ours.encR(), "encryption responder key");
        assertEquals(h.formatHex(theirs.integrityInitiator()), ours.integI(), "integrity initiator key");
        assertEquals(h.formatHex(theirs.integrityResponder()), ours.integR(), "integrity responder key");
        assertEquals(child.spiIn(), ours.sa().outboundSpi(), "charon's inbound SPI is our outbound one");
        assertEquals(child.spiOut(), ours.sa().inboundSpi(), "our inbound SPI is charon's outbound one");
        assertEquals(weInitiated, !sa.initiator());
    }

    /** Our side's connection to charon, as initiator; {@code extra} lines go into the connection. */
    private static String toCharon(String localAuth, String extra, String proposals, String esp) {
        return ours(true, localAuth, extra, proposals, esp);
    }

    /** Our side as responder to charon. */
    private static String fromCharon(String localAuth, String extra, String proposals, String esp) {
        return ours(false, localAuth, extra, proposals, esp);
    }

    private static String ours(boolean initiator, String localAuth, String extra, String proposals, String esp) {
        return """
                - name: charon
                  local-address: 127.0.0.1
                %s  local-id: %s
                  remote-id: charon.ikeseal.test
                  local-auth: %s
                %s  proposals: [%s]
                  children:
                    - name: net
                      esp-proposals: [%s]
                """.formatted(
                initiator ? "  remote-address: 127.0.0.1\n  remote-port: CHARON_PORT\n" : "  remote-address: any\n",
                initiator ? TestDeployment.BRANCH : TestDeployment.GATEWAY,
                localAuth,
                extra,
                proposals,
                esp);
    }

    /** charon's connection "ikeseal", to {@code ikesealPort} when charon initiates. */
    private static Connection charonSide(Auth local, Auth remote, String proposals, String esp, Integer ikesealPort) {
        Connection c = Connection.named("ikeseal")
                .proposals(proposals)
                .local(local)
                .remote(remote)
                .child(Child.named("net").espProposals(esp));
        return ikesealPort == null ? c : c.remotePort(ikesealPort);
    }

    private static final String PUBKEY_ECDSA_BRANCH = "  identity: branch-ecdsa\n";

    private IkeSaInfo ikesealInitiates(String yaml, CapturingInstaller installed) throws Exception {
        return daemon("initiator", yaml, installed).initiate("charon").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Starts our responder with {@code ours}, loads charon's side (built for our port by {@code theirs}), lets
     * charon initiate, and returns our view of the established IKE SA.
     */
    private IkeSaInfo charonInitiates(
            String name, String ours, java.util.function.IntFunction<SwanctlConf> theirs, CapturingInstaller installed)
            throws Exception {
        IkeDaemon d = daemon(name, ours, installed);
        peer.charon().load(theirs.apply(d.ikePort()));
        peer.charon().initiate("net", TIMEOUT).orThrow();
        return awaitResponderSa(d);
    }

    private static IkeSaInfo awaitResponderSa(IkeDaemon d) throws InterruptedException {
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            var sas = d.gateway().established();
            if (!sas.isEmpty()) {
                return sas.getFirst();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no IKE SA established on the ikeseal responder within " + TIMEOUT);
    }

    @Test
    void ecdsaCharonInitiatesToIkeseal() throws Exception {
        CapturingInstaller installed = new CapturingInstaller();
        IkeSaInfo sa = charonInitiates(
                "ecdsa-r",
                fromCharon("pubkey", "  identity: gateway-ecdsa\n", "aes256gcm16-prfsha256-ecp256", "aes256gcm16"),
                port -> SwanctlConf.of(charonSide(
                        Auth.pubkey(CHARON_ID).certs(charonEcdsaCert),
                        Auth.pubkey(TestDeployment.GATEWAY),
                        "aes256gcm16-prfsha256-ecp256",
                        "aes256gcm16",
                        port)),
                installed);
        assertEquals("aes256gcm16-prfsha256-ecp256", sa.suite().describe());
        assertEquals(CHARON_ID, sa.remoteId());
        assertTrue(sa.natDetected(), "kernel-libipsec makes charon fake a NAT (docs/strongswan-peer.md)");
        assertChildKeysAgree(installed.next(), false);
    }

    @Test
    void rsaPssIkesealInitiatesToCharon() throws Exception {
        peer.charon()
                .load(SwanctlConf.of(charonSide(
                        Auth.rsaPss(CHARON_ID).certs(charonRsaCert),
                        Auth.rsaPss(TestDeployment.BRANCH),
                        "aes128-sha256-modp2048",
                        "aes128-sha256",
                        null)));
        CapturingInstaller installed = new CapturingInstaller();
        IkeSaInfo sa = ikesealInitiates(
                toCharon("pubkey", "  identity: branch-rsa\n", "aes128-sha256-modp2048", "aes128-sha256"), installed);
        assertEquals("aes128-sha256-prfsha256-modp2048", sa.suite().describe());
        assertTrue(sa.fragmentation(), "both announced RFC 7383");
        assertChildKeysAgree(installed.next(), true);
        assertTrue(
                peer.charon().log().contains("authentication of '" + TestDeployment.BRANCH + "' with RSA_EMSA_PSS"),
                () -> peer.charon().logTail(80));
    }

    @Test
    void rsaPssCharonInitiatesToIkeseal() throws Exception {
        CapturingInstaller installed = new CapturingInstaller();
        IkeSaInfo sa = charonInitiates(
                "rsa-r",
                fromCharon("pubkey", "  identity: gateway-rsa\n", "aes128-sha256-modp2048", "aes128-sha256"),
                port -> SwanctlConf.of(charonSide(
                        Auth.rsaPss(CHARON_ID).certs(charonRsaCert),
                        Auth.rsaPss(TestDeployment.GATEWAY),
                        "aes128-sha256-modp2048",
                        "aes128-sha256",
                        port)),
                installed);
        assertEquals("aes128-sha256-prfsha256-modp2048", sa.suite().describe());
        assertChildKeysAgree(installed.next(), false);
        assertTrue(
                peer.charon().log().contains("authentication of '" + TestDeployment.GATEWAY + "' with RSA_EMSA_PSS"),
                () -> peer.charon().logTail(80));
    }

    @Test
    void pskIkesealInitiatesToCharon() throws Exception {
        peer.charon()
                .load(SwanctlConf.of(charonSide(
                                Auth.psk(CHARON_ID),
                                Auth.psk(TestDeployment.BRANCH),
                                "aes256-sha384-ecp384",
                                "aes256-sha384",
                                null))
                        .psk(deployment.psk(), CHARON_ID, TestDeployment.BRANCH));
        CapturingInstaller installed = new CapturingInstaller();
        IkeSaInfo sa = ikesealInitiates(
                toCharon("psk", "  psk: branch-psk\n", "aes256-sha384-ecp384", "aes256-sha384"), installed);
        assertEquals("aes256-sha384-prfsha384-ecp384", sa.suite().describe());
        assertChildKeysAgree(installed.next(), true);
    }

    @Test
    void pskCharonInitiatesToIkeseal() throws Exception {
        CapturingInstaller installed = new CapturingInstaller();
        IkeSaInfo sa = charonInitiates(
                "psk-r",
                fromCharon("psk", "  psk: branch-psk\n", "aes256-sha384-ecp384", "aes256-sha384"),
                port -> SwanctlConf.of(charonSide(
                                Auth.psk(CHARON_ID),
                                Auth.psk(TestDeployment.GATEWAY),
                                "aes256-sha384-ecp384",
                                "aes256-sha384",
                                port))
                        .psk(deployment.psk(), CHARON_ID, TestDeployment.GATEWAY),
                installed);
        assertEquals("aes256-sha384-prfsha384-ecp384", sa.suite().describe());
        assertChildKeysAgree(installed.next(), false);
    }

    @Test
    void invalidKeRetryIkesealInitiates() throws Exception {
        // Our KE is ecp256 (first group); charon accepts only ecp384 and answers INVALID_KE_PAYLOAD.
        peer.charon()
                .load(SwanctlConf.of(charonSide(
                        Auth.pubkey(CHARON_ID).certs(charonEcdsaCert),
                        Auth.pubkey(TestDeployment.BRANCH),
                        "aes256gcm16-prfsha256-ecp384",
                        "aes256gcm16",
                        null)));
        CapturingInstaller installed = new CapturingInstaller();
        IkeSaInfo sa = ikesealInitiates(
                toCharon("pubkey", PUBKEY_ECDSA_BRANCH, "aes256gcm16-prfsha256-ecp256-ecp384", "aes256gcm16"),
                installed);
        assertEquals("ecp384", sa.suite().group().proposalName());
        assertChildKeysAgree(installed.next(), true);
        assertTrue(
                peer.charon().log().contains("IKE_SA_INIT response 0 [ N(INVAL_KE) ]"),
                () -> peer.charon().logTail(60));
    }

    @Test
    void invalidKeRetryCharonInitiates() throws Exception {
        CapturingInstaller installed = new CapturingInstaller();
        IkeSaInfo sa = charonInitiates(
                "ke-r",
                fromCharon("pubkey", "  identity: gateway-ecdsa\n", "aes256gcm16-prfsha256-ecp384", "aes256gcm16"),
                port -> SwanctlConf.of(charonSide(
                        Auth.pubkey(CHARON_ID).certs(charonEcdsaCert),
                        Auth.pubkey(TestDeployment.GATEWAY),
                        "aes256gcm16-prfsha256-ecp256-ecp384",
                        "aes256gcm16",
                        port)),
                installed);
        assertEquals("ecp384", sa.suite().group().proposalName());
        assertChildKeysAgree(installed.next(), false);
        assertTrue(
                peer.charon().log().contains("parsed IKE_SA_INIT response 0 [ N(INVAL_KE) ]"),
                () -> peer.charon().logTail(60));
    }

    @Test
    void proposalMismatchIkesealInitiates() throws Exception {
        peer.charon()
                .load(SwanctlConf.of(charonSide(
                        Auth.pubkey(CHARON_ID).certs(charonEcdsaCert),
                        Auth.pubkey(TestDeployment.BRANCH),
                        "aes128-sha256-modp2048",
                        "aes128-sha256",
                        null)));
        var f = daemon(
                        "np-i",
                        toCharon("pubkey", PUBKEY_ECDSA_BRANCH, "aes256gcm16-prfsha256-ecp256", "aes256gcm16"),
                        new CapturingInstaller())
                .initiate("charon");
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(
                e.getCause().getMessage().contains("NO_PROPOSAL_CHOSEN"),
                e.getCause().getMessage());
        assertTrue(
                peer.charon().log().contains("IKE_SA_INIT response 0 [ N(NO_PROP) ]"),
                () -> peer.charon().logTail(60));
    }

    @Test
    void proposalMismatchCharonInitiates() throws Exception {
        IkeDaemon d = daemon(
                "np-r",
                fromCharon("pubkey", "  identity: gateway-ecdsa\n", "aes256gcm16-prfsha256-ecp256", "aes256gcm16"),
                new CapturingInstaller());
        peer.charon()
                .load(SwanctlConf.of(charonSide(
                        Auth.pubkey(CHARON_ID).certs(charonEcdsaCert),
                        Auth.pubkey(TestDeployment.GATEWAY),
                        "aes128-sha256-modp2048",
                        "aes128-sha256",
                        d.ikePort())));
        var r = peer.charon().initiate("net", TIMEOUT);
        assertTrue(!r.success() && r.notifyErrors().contains("NO_PROPOSAL_CHOSEN"), r.toString());
        assertEquals(0, d.gateway().halfOpenCount(), "the refusal keeps no state");
    }

    @Test
    void untrustedCharonCertificateIkesealInitiates() throws Exception {
        String rogue = peer.charon()
                .install(CharonIdentity.generate(
                        IdentitySpec.of("rogue-i", KeyKind.EC_P256, "CN=" + CHARON_ID, CHARON_ID),
                        io.ikeseal.testhsm.TestCa.create("CN=rogue CA")));
        peer.charon()
                .load(SwanctlConf.of(charonSide(
                        Auth.pubkey(CHARON_ID).certs(rogue),
                        Auth.pubkey(TestDeployment.BRANCH),
                        "aes256gcm16-prfsha256-ecp256",
                        "aes256gcm16",
                        null)));
        var f = daemon(
                        "af-i",
                        toCharon("pubkey", PUBKEY_ECDSA_BRANCH, "aes256gcm16-prfsha256-ecp256", "aes256gcm16"),
                        new CapturingInstaller())
                .initiate("charon");
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(
                e.getCause().getMessage().contains("AUTHENTICATION_FAILED"),
                e.getCause().getMessage());
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (!peer.charon().log().contains("[ N(AUTH_FAILED) ]") && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertTrue(
                peer.charon().log().contains("parsed INFORMATIONAL request 2 [ N(AUTH_FAILED) ]"),
                () -> peer.charon().logTail(60));
    }

    @Test
    void untrustedCharonCertificateCharonInitiates() throws Exception {
        IkeDaemon d = daemon(
                "af-r",
                fromCharon("pubkey", "  identity: gateway-ecdsa\n", "aes256gcm16-prfsha256-ecp256", "aes256gcm16"),
                new CapturingInstaller());
        String rogue = peer.charon()
                .install(CharonIdentity.generate(
                        IdentitySpec.of("rogue-r", KeyKind.EC_P256, "CN=" + CHARON_ID, CHARON_ID),
                        io.ikeseal.testhsm.TestCa.create("CN=rogue CA")));
        peer.charon()
                .load(SwanctlConf.of(charonSide(
                        Auth.pubkey(CHARON_ID).certs(rogue),
                        Auth.pubkey(TestDeployment.GATEWAY),
                        "aes256gcm16-prfsha256-ecp256",
                        "aes256gcm16",
                        d.ikePort())));
        var r = peer.charon().initiate("net", TIMEOUT);
        assertTrue(!r.success() && r.notifyErrors().contains("AUTHENTICATION_FAILED"), r.toString());
        assertTrue(d.gateway().established().isEmpty());
    }

    @Test
    void ecdsaIkesealInitiatesToCharon() throws Exception {
        peer.charon()
                .load(SwanctlConf.of(Connection.named("ikeseal")
                        .proposals("aes256gcm16-prfsha256-ecp256")
                        .local(Auth.pubkey(CHARON_ID).certs(charonEcdsaCert))
                        .remote(Auth.pubkey(TestDeployment.BRANCH))
                        .child(Child.named("net").espProposals("aes256gcm16"))));
        CapturingInstaller installed = new CapturingInstaller();
        IkeDaemon d = daemon("ecdsa-i", """
                - name: charon
                  local-address: 127.0.0.1
                  remote-address: 127.0.0.1
                  remote-port: CHARON_PORT
                  local-id: branch.ikeseal.test
                  remote-id: charon.ikeseal.test
                  local-auth: pubkey
                  identity: branch-ecdsa
                  proposals: [aes256gcm16-prfsha256-ecp256]
                  children:
                    - name: net
                      esp-proposals: [aes256gcm16]
                """, installed);
        IkeSaInfo sa = d.initiate("charon").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("aes256gcm16-prfsha256-ecp256", sa.suite().describe());
        assertEquals(CHARON_ID, sa.remoteId());
        assertChildKeysAgree(installed.next(), true);
        assertTrue(
                peer.charon().log().contains("authentication of '" + TestDeployment.BRANCH + "' with ECDSA"),
                () -> peer.charon().logTail(60));
    }
}
