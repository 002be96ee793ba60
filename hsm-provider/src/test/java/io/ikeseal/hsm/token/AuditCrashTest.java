package io.ikeseal.hsm.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.hsm.audit.AuditVerifier;
import io.ikeseal.hsm.audit.HashChainedAuditLog;
import io.ikeseal.testhsm.ChildJvm;

/**
 * Issue 12: "a crash loses nothing that was acted upon" with results released once queued. A child JVM runs token
 * calls and reports an action only after the audit barrier ({@link AuditCrashChild}); it is killed with SIGKILL at a
 * random moment, {@value #KILLS} times, on one log. After each kill the log reopens (a torn tail is truncated and
 * marked), its whole chain verifies, and every record whose action was seen is in it.
 */
class AuditCrashTest {
    static final int KILLS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyRecordWhoseActionWasSeenSurvivesSigkill() throws Exception {
        Path log = dir.resolve("audit.log");
        Path tokens = Files.createDirectory(dir.resolve("tokens"));
        Random random = new Random(12);
        long actedTotal = 0;
        int tornRecovered = 0;
        for (int run = 0; run < KILLS; run++) {
            Process child = new ProcessBuilder(ChildJvm.command(
                            List.of("-Xmx128m"),
                            AuditCrashChild.class.getName(),
                            List.of(log.toString(), tokens.toString(), Integer.toString(run))))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Set<String> acted = new HashSet<>();
            List<String> other = new ArrayList<>();
            CompletableFuture<Void> ready = new CompletableFuture<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String s; (s = r.readLine()) != null; ) {
                        if (s.equals("ready")) ready.complete(null);
                        else if (s.startsWith("acted ")) acted.add(s.substring(6));
                        else if (s.startsWith("barrier failed")) other.add(s); // (log lines go to stdout too)
                    }
                } catch (Exception e) {
                    other.add(e.toString());
                }
                ready.complete(null);
            });
            try {
                ready.get(60, TimeUnit.SECONDS);
                assertTrue(child.isAlive(), "the child died before it was killed: " + other);
                Thread.sleep(30 + random.nextInt(400)); // somewhere in the middle of calls, writes and forces
                // SIGKILL: no shutdown hook, no close, no flush. Sent with kill(1), not destroyForcibly(), which also
                // closes our end of the child's stdout: markers already in the pipe are still read to its end.
                Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(child.pid())).start();
                assertTrue(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -KILL failed");
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed child did not go");
                reader.join(TimeUnit.SECONDS.toMillis(30));
            } finally {
                child.destroyForcibly(); // only if an assertion above failed
            }
            assertEquals(List.of(), other, "a barrier failed in the child");

            // Reopen as the next start would: recovers a torn tail, and refuses a log that lost acknowledged lines.
            long sizeBefore = Files.size(log);
            try (HashChainedAuditLog reopened = HashChainedAuditLog.open(log)) {
                reopened.barrier(null).get(30, TimeUnit.SECONDS);
            }
            if (Files.size(log) != sizeBefore) tornRecovered++;
            AuditVerifier.Result r = AuditVerifier.verify(log);
            assertTrue(r.ok(), "after kill " + run + ": " + r);
            Set<String> logged = new HashSet<>();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                JsonNode n = JSON.readTree(line);
                if (n.path("op").asText().equals("crash-probe"))
                    logged.add(n.path("key").asText());
            }
            Set<String> missing = new HashSet<>(acted);
            missing.removeAll(logged);
            assertEquals(Set.of(), missing, "acted upon after kill " + run + " but not in the log");
            actedTotal += acted.size();
        }
        System.out.printf(
                "audit crash test: %d SIGKILLs, %d actions seen and all in the log, %d reopen(s) changed the log%n",
                KILLS, actedTotal, tornRecovered);
        assertTrue(actedTotal > KILLS, "the children acted too little for the test to mean anything: " + actedTotal);
    }
}
