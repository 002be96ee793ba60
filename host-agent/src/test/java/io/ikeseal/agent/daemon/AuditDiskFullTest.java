package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.cli.CliContext;
import io.ikeseal.agent.cli.Main;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.RecordingInstaller;
import io.ikeseal.hsm.audit.HashChainedAuditLog;
import io.ikeseal.testhsm.P11TraceLog;

/**
 * Issue 9 item 3 on real sockets and real tokens, with a real full disk: the gateway's audit log lives on a 1 MiB
 * tmpfs this test mounts (it runs as root, as ./check does in CI; a mount that fails fails the test). Its
 * key-exchange token is behind p11trace, so the token's own calls are the ground truth. Once a filler file takes
 * the rest of the disk, the next handshakes break the log; from then on new IKE SAs fail without a token operation
 * and without leaving state, while the SA established before answers liveness checks and its Delete. Deleting the
 * filler lets the log chain a recovery record by itself and new SAs establish without a restart; {@code ikeseal audit
 * verify} accepts the log and lists the recovery. Every key generation the token ran is in the log, or counted in
 * that recovery record as not written (the batch that found the disk full: its results were released once queued, but
 * the barriers in front of the datagrams built from them failed, so nothing left the host because of them).
 */
class AuditDiskFullTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    private static final ObjectMapper JSON = new ObjectMapper();
    /** PKCS#11 calls that start work in the token (housekeeping such as C_FindObjects or C_CloseSession is not). */
    private static final Set<String> TOKEN_WORK = Set.of(
            "C_GenerateKeyPair",
            "C_GenerateKey",
            "C_DeriveKey",
            "C_SignInit",
            "C_VerifyInit",
            "C_EncryptInit",
            "C_DecryptInit",
            "C_DigestInit",
            "C_WrapKey",
            "C_UnwrapKey",
            "C_CreateObject");
    /** An initiator with {@link Scenario#FAST} timers gives up after about 4 s: it must hear nothing else. */
    private static final long FAILURE_BOUND_MS = 8_000;

    @Test
    void aFullDiskStopsTokenWorkAndNewSasUntilSpaceReturnsThenTheLogRecoversByItself() throws Exception {
        Path base = Files.createTempDirectory("ikeseal-audit-full");
        try (Tmpfs disk = Tmpfs.mount(Files.createDirectory(base.resolve("mnt")), 1024);
                TestDeployment gwTokens = TestDeployment.createTraced(Files.createDirectory(base.resolve("gateway")))) {
            run(gwTokens, disk);
        } finally {
            try (Stream<Path> files = Files.walk(base)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(TestDeployment d, Tmpfs disk) throws Exception {
        Path log = disk.dir().resolve("gateway-audit.log");
        Path cfg = d.dir().resolve("gateway.yaml");
        Files.writeString(
                cfg,
                d.tokenSections(
                                log.toString(),
                                List.of(TestDeployment.PSK),
                                List.of("ca.pem", scenario.deployment().caPem().toString()))
                        + ConnectionYaml.gateway().yaml(),
                StandardCharsets.UTF_8);
        IkesealConfig config = IkesealConfig.load(cfg);
        TokenSet tokens = new TokenSet(config);
        Side gw;
        try {
            gw = startGateway(config, tokens);
        } catch (Exception | Error e) {
            tokens.close();
            throw e;
        }
        try (tokens;
                gw;
                Side br = scenario.start(
                        "branch", List.of("ca.pem", d.caPem().toString()), ConnectionYaml.branch(gw), Scenario.FAST)) {
            Scenario.Established existing = Scenario.establish(br, gw);
            Path trace = d.hsmTraceLog();
            long traceStart = P11TraceLog.mark(trace);
            int recordsBefore = lines(log).size();

            // The disk fills: the log's last page may still take a handshake or two, then a write fails.
            disk.fill();
            int attempts = 0;
            do {
                while (!tokens.audit().broken()) {
                    assertTrue(++attempts <= 12, "the audit log still takes records after " + attempts + " handshakes");
                    var _ = outcome(br.initiate("gateway"));
                }
                // What was in flight when it broke has ended (nothing was sent on its unwritten records).
                Thread.sleep(300);
                // A batch of several records may not fit where the recovery record still does (the free end of the
                // log's last page): the log is then writable again, until a later batch finds even that full.
            } while (!tokens.audit().broken());
            // From here on nothing may run.
            long outageMark = P11TraceLog.mark(trace);
            long tokenFailedBefore = gw.counters().getSa("token-failed");
            List<CompletableFuture<IkeSaInfo>> refused = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                refused.add(br.initiate("gateway"));
            }
            for (CompletableFuture<IkeSaInfo> f : refused) {
                assertFalse(outcome(f), "a new IKE SA while the audit log cannot be written");
            }
            long failMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(failMs < FAILURE_BOUND_MS, "the refused initiators gave up after " + failMs + " ms");
            assertTrue(gw.counters().getSa("token-failed") > tokenFailedBefore, "refusals counted");
            assertEquals(0, gw.halfOpen(), "no half-open state for the refused SAs");

            // The SA established before keeps working on its host-side keys, both ways, and is deleted cleanly.
            long spiI = existing.initiator().spiI();
            assertTrue(Scenario.get(gw.daemon().gateway().checkLiveness(spiI)), "the gateway's liveness check");
            assertTrue(Scenario.get(br.daemon().gateway().checkLiveness(spiI)), "the branch office's liveness check");
            br.daemon().gateway().deleteAll("bye", Scenario.WAIT);
            assertEquals(
                    "deleted by the peer",
                    gw.events().await(EventRecorder.Kind.DELETED, spiI).detail());
            List<String> outageWork = work(P11TraceLog.read(trace, outageMark));
            assertEquals(List.of(), outageWork, "token work while the audit log could not be written");
            assertTrue(tokens.audit().broken(), "still full, still broken");

            // Space returns: the log recovers by itself, and new SAs establish again without a restart.
            disk.free();
            long freed = System.nanoTime();
            Scenario.await("the audit log's recovery", () -> !tokens.audit().broken());
            long recoveredMs = (System.nanoTime() - freed) / 1_000_000;
            Scenario.Established again = Scenario.establish(br, gw);
            long establishedMs = (System.nanoTime() - freed) / 1_000_000;
            assertTrue(again.responder().tokenMicros() > 0);

            br.daemon().gateway().deleteAll("bye", Scenario.WAIT);
            gw.events().await(EventRecorder.Kind.DELETED, again.initiator().spiI());

            // Ground truth: every key generation in the token since the disk filled is a dh-keygen record, or one of
            // the records the recovery record counts as not written.
            List<JsonNode> records =
                    lines(log).subList(recordsBefore, lines(log).size());
            List<JsonNode> recoveries = records.stream()
                    .filter(r -> HashChainedAuditLog.RECOVERED_OPERATION.equals(
                            r.path("op").asText()))
                    .toList();
            assertTrue(recoveries.size() >= 1, "a recovery record: " + recoveries);
            String recovery = recoveries.getLast().path("result").asText(); // after space returned
            long notWritten = 0;
            for (JsonNode r : recoveries) {
                notWritten += number(r.path("result").asText(), "(\\d+) record\\(s\\) not written");
            }
            long refusedOps = number(recovery, "(\\d+) operation\\(s\\) refused");
            P11TraceLog all = P11TraceLog.read(trace, traceStart);
            long keygens = all.count("C_GenerateKeyPair");
            long keygenRecords = records.stream()
                    .filter(r -> "hsm".equals(r.path("token").asText())
                            && "dh-keygen".equals(r.path("op").asText()))
                    .count();
            long unrecorded = keygens - keygenRecords;
            assertTrue(
                    unrecorded >= 0 && unrecorded <= notWritten,
                    keygens + " key generations, " + keygenRecords + " recorded, " + notWritten + " not written");
            assertTrue(refusedOps >= 3, "the refused handshakes' key generations: " + recovery);

            CliResult verify = cli("audit", "verify", log.toString());
            assertEquals(0, verify.exit(), verify.toString());
            assertTrue(verify.out().contains("recovery record seq "), verify.toString());
            assertTrue(verify.out().contains("resumed after write failure"), verify.toString());
            System.out.printf(
                    "audit disk full (1 MiB tmpfs): broke after %d handshake(s); refused initiators gave up in %d ms;"
                            + " token work while broken: %d calls; key generations %d, recorded %d, not written %d"
                            + " (nothing sent on them); log recovered %d ms after space returned, new IKE SA established"
                            + " %d ms after; recovery record: %s%n",
                    attempts,
                    failMs,
                    outageWork.size(),
                    keygens,
                    keygenRecords,
                    unrecorded,
                    recoveredMs,
                    establishedMs,
                    recovery);
        }
    }

    private static Side startGateway(IkesealConfig config, TokenSet tokens) throws IOException {
        EventRecorder events = new EventRecorder();
        RecordingInstaller installer = new RecordingInstaller();
        CapturingInstaller keys = new CapturingInstaller();
        IkeDaemon d = IkeDaemon.start(
                config,
                tokens,
                IkeDaemon.Options.defaults()
                        .withPorts(0, 0)
                        .withInstaller(installer)
                        .withEvents(events)
                        .withSettings(Scenario.FAST.apply(config.ike().exchange())));
        return new Side("gateway", d, events, installer, keys);
    }

    /** Whether the initiation established (true) or failed (false), waiting at most 20 s. */
    private static boolean outcome(CompletableFuture<IkeSaInfo> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /** The calls of {@code trace} that start token work, as "#seq function". */
    private static List<String> work(P11TraceLog trace) {
        return trace.calls().stream()
                .filter(c -> TOKEN_WORK.contains(c.function()))
                .map(c -> "#" + c.seq() + " " + c.function())
                .toList();
    }

    private static List<JsonNode> lines(Path log) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in " + text);
        return Long.parseLong(m.group(1));
    }

    private record CliResult(int exit, String out, String err) {}

    private static CliResult cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(
                new CliContext(new ByteArrayInputStream(new byte[0]), new PrintWriter(out), new PrintWriter(err), null),
                args);
        return new CliResult(exit, out.toString(), err.toString());
    }
}
