package io.ikeseal.hsm.schedule;

import static io.ikeseal.hsm.schedule.Ikev2Reference.cat;
import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.TestTokens;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.token.Pkcs11Module;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.NssToken;
import io.ikeseal.testhsm.SecretSearch;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * The sealing proof's heap half (docs/sealing-proof.md): the token side of an IKE SA's life (ECP-256 IKE SA, a
 * MODP-2048 PFS CHILD SA, a MODP-2048 IKE SA rekey with a trimmed g^ir, PSK AUTH) runs in a child JVM
 * ({@link TokenSideMain}) while this JVM plays the software peer and knows every secret. A heap dump of the child
 * taken afterwards (unreachable objects included) must hold none of them, and must hold the keys the child keeps
 * on the host (the rekeyed SA's SK_e/SK_p, the KEYMATs), which proves the search finds what is there.
 */
class HeapSealingTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    private static final Prf PRF = Prf.HMAC_SHA2_256;

    @RegisterExtension
    static NssExtension nss = NssExtension.create().withName("heap");

    @Test
    void theTokenSideHeapHoldsNoSecretAfterAnIkeSaLife() throws Exception {
        NssToken t = nss.token();
        byte[] psk = random(40);
        try (Token parent = TestTokens.nss(t, TestTokens.memoryAudit(), ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE)) {
            // Importing is the CLI's job in its own process; the daemon-side JVM only ever uses the stored PSK.
            await(PresharedKeys.importPsk(parent, "heap-peer", psk.clone(), true));
        }
        long slot = Pkcs11Module.load(t.library(), t.nssArgs())
                .slots()
                .get(NssToken.KEY_STORAGE_SLOT_INDEX)
                .slotId();
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        Map<String, byte[]> hostKeys = new LinkedHashMap<>();
        secrets.put("PSK", psk);
        Path dump = t.dir().resolve("token-side.hprof");
        try (Child child = Child.start(t, slot, ResidencyTier.SEALED)) {
            // IKE_SA_INIT + IKE_AUTH on ECP-256, AES-GCM (no SK_a), with its first CHILD SA
            byte[] ke = HEX.parseHex(child.ask("ke ECP_256").substring(3));
            SoftwarePeer peer = SoftwarePeer.generate(DhGroup.ECP_256);
            byte[] gir = peer.gir(ke);
            byte[] ni = random(32);
            byte[] nr = random(32);
            child.ok("ike " + PRF + " " + hex(peer.keData()) + " " + hex(ni) + " " + hex(nr) + " " + hex(random(8))
                    + " " + hex(random(8)) + " 0 36");
            byte[] skeyseed = Ikev2Reference.prf(PRF, cat(ni, nr), gir);
            // SK_d is T1 of prf+(SKEYSEED, Ni | Nr | SPIi | SPIr); the SPIs only change later blocks
            secrets.put("g^ir", gir);
            secrets.put("g^ir as point x|y", peer.sharedPoint(ke));
            secrets.put("SKEYSEED", skeyseed);
            byte[] skD = Ikev2Reference.prf(PRF, skeyseed, cat(ni, nr, child.lastSpis(), new byte[] {1}));
            secrets.put("SK_d", skD);
            hostKeys.put("KEYMAT", Ikev2Reference.prfPlus(PRF, skD, cat(ni, nr), 64));

            // CREATE_CHILD_SA with PFS on MODP-2048
            byte[] pfsKe = HEX.parseHex(child.ask("ke MODP_2048").substring(3));
            SoftwarePeer pfsPeer = SoftwarePeer.generate(DhGroup.MODP_2048);
            byte[] pfsGir = pfsPeer.gir(pfsKe);
            byte[] ni2 = random(32);
            byte[] nr2 = random(32);
            child.ok("pfs " + hex(pfsPeer.keData()) + " " + hex(ni2) + " " + hex(nr2) + " 80");
            secrets.put("g^ir PFS", pfsGir);
            hostKeys.put("KEYMAT PFS", Ikev2Reference.prfPlus(PRF, skD, cat(pfsGir, ni2, nr2), 80));

            // IKE SA rekey on MODP-2048, the peer choosing a g^ir the token holds trimmed of its leading zero
            byte[] rekeyKe = HEX.parseHex(child.ask("ke MODP_2048").substring(3));
            SoftwarePeer rekeyPeer = SoftwarePeer.withLeadingZero(DhGroup.MODP_2048, rekeyKe);
            byte[] rekeyGir = rekeyPeer.gir(rekeyKe);
            byte[] ni3 = random(32);
            byte[] nr3 = random(32);
            byte[] spiI = random(8);
            byte[] spiR = random(8);
            child.ok("rekey " + hex(rekeyPeer.keData()) + " " + hex(ni3) + " " + hex(nr3) + " " + hex(spiI) + " "
                    + hex(spiR) + " 32 32");
            byte[] skeyseed3 = Ikev2Reference.prf(PRF, skD, cat(rekeyGir, ni3, nr3));
            byte[] km = Ikev2Reference.prfPlus(PRF, skeyseed3, cat(ni3, nr3, spiI, spiR), 3 * 32 + 2 * 32 + 2 * 32);
            secrets.put("g^ir rekey", rekeyGir);
            secrets.put("g^ir rekey without leading zeros", SoftwarePeer.trimmed(rekeyGir));
            secrets.put("SKEYSEED rekey", skeyseed3);
            secrets.put("SK_d rekey", Arrays.copyOfRange(km, 0, 32));
            hostKeys.put("SK_ai rekey", Arrays.copyOfRange(km, 32, 64));
            hostKeys.put("SK_ar rekey", Arrays.copyOfRange(km, 64, 96));
            hostKeys.put("SK_ei rekey", Arrays.copyOfRange(km, 96, 128));
            hostKeys.put("SK_er rekey", Arrays.copyOfRange(km, 128, 160));
            hostKeys.put("SK_pi rekey", Arrays.copyOfRange(km, 160, 192));
            hostKeys.put("SK_pr rekey", Arrays.copyOfRange(km, 192, 224));

            // PSK AUTH = prf(prf(PSK, "Key Pad for IKEv2"), octets) (RFC 7296 §2.15)
            byte[] octets = random(200);
            byte[] pad = Ikev2Reference.prf(PRF, psk, "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII));
            String auth = child.ask("psk " + PRF + " heap-peer " + hex(octets));
            assertEquals("auth " + hex(Ikev2Reference.prf(PRF, pad, octets)), auth, "AUTH from the token side");
            secrets.put("key pad", pad);

            child.ok("dump " + dump, "dumped");
        }
        try {
            SecretSearch search = new SecretSearch();
            secrets.forEach(search::add);
            hostKeys.forEach(search::add);
            Map<String, Long> found = search.findInFile(dump);
            Map<String, Long> leaked = new LinkedHashMap<>(found);
            leaked.keySet().retainAll(secrets.keySet());
            assertEquals(Map.of(), leaked, "secrets in the token side's heap (name -> offset in the dump)");
            List<String> missing = new ArrayList<>(hostKeys.keySet());
            missing.removeAll(found.keySet());
            assertEquals(List.of(), missing, "host keys the search did not find in the dump, so it proves nothing");
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    /**
     * The negative control: the compat tier reads g^ir out and computes SKEYSEED and SK_d on the host, and the same
     * search finds SK_d, which the host keeps, in the same kind of dump.
     */
    @Test
    void theSearchFindsTheCompatTiersSecretsInItsHeap() throws Exception {
        NssToken t = nss.token();
        long slot = Pkcs11Module.load(t.library(), t.nssArgs())
                .slots()
                .get(NssToken.KEY_STORAGE_SLOT_INDEX)
                .slotId();
        Path dump = t.dir().resolve("token-side-compat.hprof");
        SecretSearch search = new SecretSearch();
        try (Child child = Child.start(t, slot, ResidencyTier.COMPAT)) {
            byte[] ke = HEX.parseHex(child.ask("ke ECP_256").substring(3));
            SoftwarePeer peer = SoftwarePeer.generate(DhGroup.ECP_256);
            byte[] gir = peer.gir(ke);
            byte[] ni = random(32);
            byte[] nr = random(32);
            child.ok("ike " + PRF + " " + hex(peer.keData()) + " " + hex(ni) + " " + hex(nr) + " " + hex(random(8))
                    + " " + hex(random(8)) + " 0 36");
            byte[] skeyseed = Ikev2Reference.prf(PRF, cat(ni, nr), gir);
            search.add("g^ir", gir)
                    .add("SKEYSEED", skeyseed)
                    .add("SK_d", Ikev2Reference.prf(PRF, skeyseed, cat(ni, nr, child.lastSpis(), new byte[] {1})));
            child.ok("dump " + dump, "dumped");
        }
        try {
            Map<String, Long> found = search.findInFile(dump);
            // SK_d is held on the host for the SA's whole life in the compat tier; g^ir and SKEYSEED are host bytes
            // only while the schedule runs and are wiped after it, so whether a dump still holds a stray copy depends
            // on
            // garbage (it did not after issue 12's changes to the token layer): SK_d is the control.
            assertTrue(
                    found.containsKey("SK_d"),
                    "the compat tier's host-side SK_d is found in its heap: " + found.keySet());
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    /** The child JVM: same class path and JVM flags as this one, a smaller heap. */
    private static final class Child implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final Writer in;
        private final StringBuilder stderr = new StringBuilder();
        private byte[] lastSpis;

        private Child(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
            Thread.ofVirtual().start(() -> {
                try (BufferedReader err = process.errorReader()) {
                    for (String l; (l = err.readLine()) != null; ) {
                        synchronized (stderr) {
                            stderr.append(l).append('\n');
                        }
                    }
                } catch (IOException ignored) {
                    // the child is gone
                }
            });
        }

        static Child start(NssToken t, long slot, ResidencyTier tier) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (!a.startsWith("-Xmx")
                        && !a.startsWith("-agentlib")
                        && !a.startsWith("-javaagent")
                        && !a.startsWith("-XX:+HeapDumpOnOutOfMemoryError")) {
                    cmd.add(a);
                }
            }
            cmd.addAll(List.of(
                    "-Xmx256m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    TokenSideMain.class.getName(),
                    t.library().toString(),
                    t.nssArgs(),
                    Long.toString(slot),
                    t.pinFile().toString(),
                    tier.name().toLowerCase(java.util.Locale.ROOT)));
            Child c = new Child(new ProcessBuilder(cmd).start());
            c.expect("ready");
            return c;
        }

        byte[] lastSpis() {
            return lastSpis;
        }

        String ask(String command) throws Exception {
            String[] parts = command.split(" ", -1);
            if (parts[0].equals("ike")) {
                lastSpis = cat(HEX.parseHex(parts[5]), HEX.parseHex(parts[6]));
            }
            in.write(command + "\n");
            in.flush();
            return reply();
        }

        void ok(String command) throws Exception {
            ok(command, "ok");
        }

        void ok(String command, String expected) throws Exception {
            assertEquals(
                    expected,
                    ask(command),
                    () -> "token side on '" + command.split(" ", -1)[0] + "'; stderr:\n" + stderrText());
        }

        private void expect(String expected) {
            String r = reply();
            assertEquals(expected, r, () -> "token side did not start; stderr:\n" + stderrText());
        }

        /** The next protocol line; logging on stdout is skipped. */
        private String reply() {
            CompletableFuture<String> f = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            for (String l; (l = out.readLine()) != null; ) {
                                if (l.startsWith(TokenSideMain.REPLY)) {
                                    return l.substring(TokenSideMain.REPLY.length());
                                }
                            }
                            return "(token side exited with " + process.waitFor() + ")";
                        } catch (IOException | InterruptedException e) {
                            return "(cannot read the token side: " + e + ")";
                        }
                    },
                    r -> Thread.ofVirtual().start(r));
            try {
                return f.get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("token side did not answer; stderr:\n" + stderrText(), e);
            }
        }

        private String stderrText() {
            synchronized (stderr) {
                return stderr.toString();
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
            boolean exited;
            try {
                exited = process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IOException("interrupted waiting for the token side", e);
            }
            if (!exited) {
                process.destroyForcibly();
                throw new AssertionError("token side did not exit; stderr:\n" + stderrText());
            }
            assertTrue(
                    process.exitValue() == 0,
                    () -> "token side exit " + process.exitValue() + "; stderr:\n" + stderrText());
        }
    }

    private static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
