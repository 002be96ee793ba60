package io.ikeseal.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

import io.ikeseal.agent.cli.Main;
import io.ikeseal.agent.daemon.TestDeployment;
import io.ikeseal.testhsm.ChildJvm;
import io.ikeseal.testhsm.KeyKind;
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
 * The sealing proof's heap half at daemon level (docs/sealing-proof.md): {@code ikeseal run} in a JVM of its own
 * establishes an IKE SA with strongSwan charon, whose key log is the ground truth. A heap dump of the daemon
 * (jcmd GC.heap_dump -all: unreachable objects too) taken while the SA is up holds none of charon's g^ir, SKEYSEED
 * and SK_d, nor the PSK or its key pad, and does hold the SA's SK_e and SK_p, which the daemon needs.
 */
class DaemonHeapSealingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CHARON_ID = CharonPeer.CHARON_ID;

    @RegisterExtension
    static CharonExtension peer = CharonExtension.named("heap");

    @TempDir
    static Path dir;

    static CharonPeer charonPeer;
    static TestDeployment deployment;
    static String charonCert;
    private Process daemon;

    @BeforeAll
    static void deploy() throws Exception {
        charonPeer = CharonPeer.of(peer.charon(), TestDeployment.create(dir), false);
        deployment = charonPeer.deployment();
        charonCert = charonPeer.certificate("charon-ecdsa", KeyKind.EC_P256);
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.destroy();
            if (!daemon.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
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

    @Test
    void certificateDaemonHeapHoldsNoSecret() throws Exception {
        peer.charon()
                .load(SwanctlConf.of(Connection.named("ikeseal")
                        .proposals("aes256gcm16-prfsha256-ecp256")
                        .local(Auth.pubkey(CHARON_ID).certs(charonCert))
                        .remote(Auth.pubkey(TestDeployment.BRANCH))
                        .child(Child.named("net").espProposals("aes256gcm16"))));
        runAndSearch("cert", """
                  local-id: %s
                  local-auth: pubkey
                  identity: branch-ecdsa
                  proposals: [aes256gcm16-prfsha256-ecp256]
                """.formatted(TestDeployment.BRANCH), Map.of());
    }

    @Test
    void pskDaemonHeapHoldsNoSecret() throws Exception {
        peer.charon()
                .load(SwanctlConf.of(Connection.named("ikeseal")
                                .proposals("aes256-sha384-modp2048")
                                .local(Auth.psk(CHARON_ID))
                                .remote(Auth.psk(TestDeployment.BRANCH))
                                .child(Child.named("net").espProposals("aes256-sha384")))
                        .psk(deployment.psk(), CHARON_ID, TestDeployment.BRANCH));
        byte[] psk = deployment.psk();
        Mac prf = Mac.getInstance("HmacSHA384");
        prf.init(new SecretKeySpec(psk, "HmacSHA384"));
        runAndSearch(
                "psk",
                """
                  local-id: %s
                  local-auth: psk
                  psk: %s
                  proposals: [aes256-sha384-modp2048]
                """.formatted(TestDeployment.BRANCH, TestDeployment.PSK),
                Map.of("PSK", psk, "key pad", prf.doFinal("Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII))));
    }

    /** Runs the daemon with one connection to charon (initiated at start), dumps its heap and searches it. */
    private void runAndSearch(String name, String auth, Map<String, byte[]> moreSecrets) throws Exception {
        int[] ports = freeUdpPorts();
        Path config = deployment.writeConfig("heap-" + name, "heap-" + name + "-audit.log", """
                listen: [127.0.0.1]
                ike:
                  port: %d
                  nat-t-port: %d
                connections:
                  - name: charon
                    local-address: 127.0.0.1
                    remote-address: 127.0.0.1
                    remote-port: %d
                    remote-id: %s
                %s    initiate: true
                    children:
                      - name: net
                        esp-proposals: [%s]
                """.formatted(
                        ports[0],
                        ports[1],
                        peer.charon().ikePort(),
                        CHARON_ID,
                        auth.indent(2),
                        name.equals("psk") ? "aes256-sha384" : "aes256gcm16"));
        Path out = dir.resolve("heap-" + name + ".stdout");
        Path err = dir.resolve("heap-" + name + ".stderr");
        List<String> command = ChildJvm.command(
                List.of("-Xmx256m"), Main.class.getName(), List.of("run", "--config", config.toString()));
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(deployment.environment());
        daemon = pb.start();
        awaitLine(out, err, "IKE_SA established");

        Charon c = peer.charon();
        IkeSa sa = c.awaitIkeSa(s -> s.established() && !s.children().isEmpty(), WAIT);
        IkeSaKeys keys = c.keys().ike(sa);
        Path dump = dir.resolve("heap-" + name + ".hprof");
        jcmd(daemon.pid(), "GC.heap_dump", "-all", dump.toString());
        try {
            Map<String, byte[]> secrets = new LinkedHashMap<>();
            secrets.put("g^ir", keys.get(IkeKey.SHARED_SECRET));
            secrets.put("SKEYSEED", keys.skeyseed());
            secrets.put("SK_d", keys.skD());
            secrets.putAll(moreSecrets);
            SecretSearch search = new SecretSearch();
            secrets.forEach(search::add);
            List<String> hostKeys = List.of("SK_EI", "SK_ER", "SK_PI", "SK_PR");
            for (String k : hostKeys) {
                search.add(k, keys.get(IkeKey.valueOf(k)));
            }
            Map<String, Long> found = search.findInFile(dump);
            Map<String, Long> leaked = new LinkedHashMap<>(found);
            leaked.keySet().retainAll(secrets.keySet());
            assertEquals(Map.of(), leaked, "secrets charon logged that are in the daemon's heap (name -> offset)");
            // The control: keys the established SA holds on the heap by design (its ciphers' SK_e). SK_p is zeroized
            // after IKE_AUTH (IkeSaProtection.authenticated) and the sealed schedule wipes its prf+ buffers, so SK_p
            // may or may not linger in garbage and proves nothing either way.
            List<String> missing = new ArrayList<>(List.of("SK_EI", "SK_ER"));
            missing.removeAll(found.keySet());
            assertEquals(List.of(), missing, "host keys not in the daemon's heap, so the search proves nothing");
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    private static void awaitLine(Path out, Path err, String part) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(out) && Files.readString(out).contains(part)) {
                return;
            }
            Thread.sleep(100);
        }
        fail("no '" + part + "' from ikeseal run within " + WAIT + ":\n" + Files.readString(out) + "--- stderr\n"
                + Files.readString(err));
    }

    /** The JDK's jcmd against another JVM of this user; fails with its output. */
    private static void jcmd(long pid, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "jcmd timed out");
        assertEquals(0, p.exitValue(), "jcmd " + String.join(" ", args) + ": " + output);
        assertTrue(output.contains("Heap dump file created"), output);
    }

    private static int[] freeUdpPorts() throws Exception {
        try (DatagramSocket a =
                        new DatagramSocket(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
                DatagramSocket b =
                        new DatagramSocket(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }
}
