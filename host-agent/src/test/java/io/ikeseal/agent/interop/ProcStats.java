package io.ikeseal.agent.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Linux says about another process: CPU time from {@code /proc/PID/stat} (utime + stime, fields 14 and 15,
 * in clock ticks of {@code getconf CLK_TCK}), resident set size from {@code /proc/PID/status} (VmRSS), and for a JVM
 * the used heap after a full GC ({@code jcmd PID GC.run}, then {@code GC.heap_info}).
 */
final class ProcStats {
    private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final long TICKS_PER_SECOND = clockTicks();

    private ProcStats() {}

    /** CPU time the process used so far, user and system, in milliseconds. */
    static double cpuMillis(long pid) {
        return cpuMillisOf(read(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** utime + stime of one {@code stat} line (a process's or a thread's), in milliseconds. */
    private static double cpuMillisOf(String stat) {
        // the command name (field 2) is in parentheses and may hold spaces: count fields after its ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ", -1);
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15; f[0] is field 3
        return ticks * 1000.0 / TICKS_PER_SECOND;
    }

    /** One thread's group ({@link #threadGroup}) and the CPU time it used so far, in milliseconds. */
    record ThreadCpu(String group, double millis) {}

    /**
     * The CPU time each of the process's threads used so far, by thread ID ({@code /proc/PID/task/TID/stat}).
     * {@link #cpuSince} turns two of these into where a window's CPU went.
     */
    static Map<Long, ThreadCpu> threadCpu(long pid) {
        Map<Long, ThreadCpu> out = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (var dirs = Files.list(tasks)) {
            for (Path task : dirs.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (IOException ended) {
                    continue;
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                out.put(
                        Long.parseLong(task.getFileName().toString()),
                        new ThreadCpu(threadGroup(comm), cpuMillisOf(stat)));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + tasks, e);
        }
        return out;
    }

    /**
     * CPU time per thread group between two {@link #threadCpu} snapshots, thread by thread: one that started meanwhile
     * counts from zero; one that ended meanwhile (the JVM starts and stops compiler threads as the queue asks) is
     * missing with what it used in the window, which can only make a group's figure smaller, never take another
     * thread's time away.
     */
    static Map<String, Double> cpuSince(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after) {
        Map<String, Double> out = new TreeMap<>();
        after.forEach((tid, now) -> {
            ThreadCpu then = before.get(tid);
            double ms = then == null || !then.group().equals(now.group()) ? now.millis() : now.millis() - then.millis();
            out.merge(now.group(), ms, Double::sum);
        });
        return out;
    }

    /**
     * What an {@code ikeseal run} thread does, from its name as Linux keeps it (15 characters): PKCS#11 calls run
     * only on {@code token-NAME-N} threads, so that group is the tokens' work plus SunPKCS11's wrapper around it.
     */
    static String threadGroup(String comm) {
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return "JIT compiler";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
            return "GC";
        }
        if (comm.startsWith("token-") && !comm.startsWith("token-object-cl")) { // the Cleaner only queues destroys
            return "token calls";
        }
        if (comm.startsWith("ike-sa-")) {
            return "SA workers";
        }
        if (comm.startsWith("ike-udp")) {
            return "UDP I/O";
        }
        if (comm.startsWith("audit-")) {
            return "audit log";
        }
        return "other";
    }

    /** Resident set size in KiB. */
    static long rssKib(long pid) {
        Matcher m = RSS.matcher(read(Path.of("/proc", Long.toString(pid), "status")));
        if (!m.find()) {
            throw new IllegalStateException("no VmRSS for pid " + pid);
        }
        return Long.parseLong(m.group(1));
    }

    /** Runs a full GC in the JVM {@code pid} and returns its used heap afterwards, in KiB. */
    static long heapAfterGcKib(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("jcmd GC.heap_info printed no used heap:\n" + info);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Writes the JVM {@code pid}'s flight recording to {@code file}: its own dump on exit races {@code ikeseal run}'s
     * halt after a stop, so a profile is taken while it runs.
     */
    static void dumpFlightRecording(long pid, Path file) {
        jcmd(pid, "JFR.dump", "filename=" + file);
    }

    private static String jcmd(long pid, String... command) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        List<String> line = new java.util.ArrayList<>(List.of(jcmd, Long.toString(pid)));
        line.addAll(List.of(command));
        return run(line, 60);
    }

    private static long clockTicks() {
        return Long.parseLong(run(List.of("getconf", "CLK_TCK"), 10).strip());
    }

    private static String run(List<String> command, int seconds) {
        Path out = null;
        try {
            out = Files.createTempFile("procstats", ".out");
            // output to a file, so a command that hangs cannot block a read: it is killed after the wait
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not end within " + seconds + " s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        } finally {
            deleteQuietly(out);
        }
    }

    private static void deleteQuietly(Path f) {
        if (f == null) {
            return;
        }
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            // a temporary file left behind; nothing depends on it
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p + " (process gone?)", e);
        }
    }
}
