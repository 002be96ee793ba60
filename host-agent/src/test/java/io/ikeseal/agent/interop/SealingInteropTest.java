package io.ikeseal.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.P11TraceLog;
import io.ikeseal.testhsm.SecretSearch;
import io.ikeseal.testhsm.junit.CharonExtension;
import io.ikeseal.testhsm.strongswan.Auth;
import io.ikeseal.testhsm.strongswan.Charon;
import io.ikeseal.testhsm.strongswan.Child;
import io.ikeseal.testhsm.strongswan.Connection;
import io.ikeseal.testhsm.strongswan.IkeKey;
import io.ikeseal.testhsm.strongswan.IkeSa;
import io.ikeseal.testhsm.strongswan.IkeSaKeys;
import io.ikeseal.testhsm.strongswan.SwanctlConf;

/**
 * The sealing proof at daemon level (docs/sealing-proof.md): ikeseal's daemon against strongSwan charon, whose
 * key log (ike level 4) is the ground truth for g^ir, SKEYSEED and SK_d. With the key-exchange HSM behind
 * p11trace, none of those, nor the PSK or its key pad, crosses the HSM's PKCS#11 boundary during the handshake,
 * while the SK_a/SK_e/SK_p charon logs do (they leave the token as CKM_HKDF_DATA output by design).
 */
class SealingInteropTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final ExchangeSettings FAST = ExchangeSettings.DEFAULT
            .withRetransmit(Duration.ofMillis(500), 1.5, 3)
            .withClosedLinger(Duration.ofSeconds(2));
    private static final String CHARON_ID = CharonPeer.CHARON_ID;

    @RegisterExtension
    static CharonExtension peer = CharonExtension.named("sealing");

    @TempDir
    static Path dir;

    static CharonPeer charonPeer;
    static TestDeployment deployment;
    static TokenSet tokens;
    static String charonCert;
    private IkeDaemon daemon;

    @BeforeAll
    static void deploy() throws Exception {
        charonPeer = CharonPeer.of(peer.charon(), TestDeployment.createTraced(dir), true);
        deployment = charonPeer.deployment();
        tokens = charonPeer.tokens();
        charonCert = charonPeer.certificate("charon-ecdsa", KeyKind.EC_P256);
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

    /** Certificates (ECDSA on the SoftHSM smartcard), ECP-256, ikeseal initiating. */
    @Test
    void certificateHandshakeIkesealInitiates() throws Exception {
        peer.charon()
                .load(SwanctlConf.of(Connection.named("ikeseal")
                        .proposals("aes256gcm16-prfsha256-ecp256")
                        .local(Auth.pubkey(CHARON_ID).certs(charonCert))
                        .remote(Auth.pubkey(TestDeployment.BRANCH))
                        .child(Child.named("net").espProposals("aes256gcm16"))));
        long mark = P11TraceLog.mark(deployment.hsmTraceLog());
        daemon("cert-i", """
                - name: charon
                  local-address: 127.0.0.1
                  remote-address: 127.0.0.1
                  remote-port: %d
                  local-id: %s
                  remote-id: %s
                  local-auth: pubkey
                  identity: branch-ecdsa
                  proposals: [aes256gcm16-prfsha256-ecp256]
                  children:
                    - name: net
                      esp-proposals: [aes256gcm16]
                """.formatted(peer.charon().ikePort(), TestDeployment.BRANCH, CHARON_ID))
                .initiate("charon")
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertSealed(mark, Map.of());
    }

    /** PSK AUTH with the HSM's stored PSK, MODP-2048, charon initiating (ikeseal as responder). */
    @Test
    void pskHandshakeCharonInitiates() throws Exception {
        IkeDaemon d = daemon("psk-r", """
                - name: charon
                  local-address: 127.0.0.1
                  remote-address: any
                  local-id: %s
                  remote-id: %s
                  local-auth: psk
                  psk: %s
                  proposals: [aes256-sha384-modp2048]
                  children:
                    - name: net
                      esp-proposals: [aes256-sha384]
                """.formatted(TestDeployment.GATEWAY, CHARON_ID, TestDeployment.PSK));
        peer.charon()
                .load(SwanctlConf.of(Connection.named("ikeseal")
                                .proposals("aes256-sha384-modp2048")
                                .local(Auth.psk(CHARON_ID))
                                .remote(Auth.psk(TestDeployment.GATEWAY))
                                .remotePort(d.ikePort())
                                .child(Child.named("net").espProposals("aes256-sha384")))
                        .psk(deployment.psk(), CHARON_ID, TestDeployment.GATEWAY));
        long mark = P11TraceLog.mark(deployment.hsmTraceLog());
        peer.charon().initiate("net", TIMEOUT).orThrow();
        byte[] psk = deployment.psk();
        Mac prf = Mac.getInstance("HmacSHA384");
        prf.init(new SecretKeySpec(psk, "HmacSHA384"));
        assertSealed(
                mark,
                Map.of("PSK", psk, "key pad", prf.doFinal("Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII))));
    }

    private IkeDaemon daemon(String name, String connection) throws Exception {
        Path cfg =
                deployment.writeConfig(name, "audit.log", "listen: [127.0.0.1]\nconnections:\n" + connection.indent(2));
        daemon = IkeDaemon.start(
                IkesealConfig.load(cfg),
                tokens,
                IkeDaemon.Options.defaults()
                        .withPorts(0, 0)
                        .withInstaller(new CapturingInstaller())
                        .withSettings(FAST));
        return daemon;
    }

    /** charon's view of the one established IKE SA is the ground truth for what the HSM trace may hold. */
    private static void assertSealed(long mark, Map<String, byte[]> moreSecrets) {
        Charon c = peer.charon();
        IkeSa sa = c.awaitIkeSa(s -> s.established() && !s.children().isEmpty(), TIMEOUT);
        IkeSaKeys keys = c.keys().ike(sa);
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        secrets.put("g^ir", keys.get(IkeKey.SHARED_SECRET));
        secrets.put("SKEYSEED", keys.skeyseed());
        secrets.put("SK_d", keys.skD());
        secrets.putAll(moreSecrets);
        SecretSearch search = new SecretSearch();
        secrets.forEach(search::add);
        List<String> hostKeys = new ArrayList<>();
        for (IkeKey k : List.of(IkeKey.SK_AI, IkeKey.SK_AR, IkeKey.SK_EI, IkeKey.SK_ER, IkeKey.SK_PI, IkeKey.SK_PR)) {
            if (keys.has(k) && keys.get(k).length >= SecretSearch.WINDOW) {
                search.add(k.name(), keys.get(k));
                hostKeys.add(k.name());
            }
        }
        Map<String, String> found =
                P11TraceLog.read(deployment.hsmTraceLog(), mark).find(search);
        Map<String, String> leaked = new LinkedHashMap<>(found);
        leaked.keySet().retainAll(secrets.keySet());
        assertEquals(Map.of(), leaked, "secrets charon logged that crossed the HSM's PKCS#11 boundary");
        List<String> missing = new ArrayList<>(hostKeys);
        missing.removeAll(found.keySet());
        assertEquals(List.of(), missing, "host keys not found in the trace, so it proves nothing");
        assertTrue(
                hostKeys.containsAll(List.of("SK_EI", "SK_ER", "SK_PI", "SK_PR")),
                "charon logged the SA's SK_e and SK_p: " + hostKeys);
    }
}
