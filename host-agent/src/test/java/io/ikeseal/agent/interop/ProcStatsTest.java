package io.ikeseal.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Thread names as Linux keeps them (15 characters) map to the groups the bench's CPU split prints. */
class ProcStatsTest {
    @Test
    void threadNamesMapToTheirGroups() {
        assertEquals("JIT compiler", ProcStats.threadGroup("C2 CompilerThre"));
        assertEquals("JIT compiler", ProcStats.threadGroup("C1 CompilerThre"));
        assertEquals("GC", ProcStats.threadGroup("GC Thread#1"));
        assertEquals("GC", ProcStats.threadGroup("G1 Refine#0"));
        assertEquals("token calls", ProcStats.threadGroup("token-hsm-0"));
        assertEquals("token calls", ProcStats.threadGroup("token-smartcard"));
        assertEquals("SA workers", ProcStats.threadGroup("ike-sa-3"));
        assertEquals("UDP I/O", ProcStats.threadGroup("ike-udp-1-2"));
        assertEquals("audit log", ProcStats.threadGroup("audit-writer-au"));
        assertEquals("other", ProcStats.threadGroup("token-object-cl"));
        assertEquals("other", ProcStats.threadGroup("java"));
        assertEquals("other", ProcStats.threadGroup("ike-timer-1"));
    }

    @Test
    void aWindowCountsEachThreadOnItsOwnAndLosesNoneToAThreadThatEnded() {
        Map<Long, ProcStats.ThreadCpu> before = Map.of(
                1L, new ProcStats.ThreadCpu("JIT compiler", 900),
                2L, new ProcStats.ThreadCpu("JIT compiler", 100),
                3L, new ProcStats.ThreadCpu("SA workers", 50));
        Map<Long, ProcStats.ThreadCpu> after = Map.of(
                2L, new ProcStats.ThreadCpu("JIT compiler", 130), // thread 1 ended: not minus 900
                3L, new ProcStats.ThreadCpu("SA workers", 80),
                4L, new ProcStats.ThreadCpu("JIT compiler", 20)); // started in the window
        assertEquals(Map.of("JIT compiler", 50.0, "SA workers", 30.0), ProcStats.cpuSince(before, after));
    }

    @Test
    void thisProcessSplitAddsUpToAboutItsWholeCpu() {
        long pid = ProcessHandle.current().pid();
        Map<String, Double> split = ProcStats.cpuSince(Map.of(), ProcStats.threadCpu(pid));
        double sum = split.values().stream().mapToDouble(Double::doubleValue).sum();
        double whole = ProcStats.cpuMillis(pid);
        assertTrue(split.containsKey("other") && split.containsKey("JIT compiler"), split::toString);
        // threads that ended are in the whole but not in the split; read one after the other, so a little slack
        assertTrue(sum > 0 && sum <= whole + 100, () -> sum + " of " + whole);
    }
}
