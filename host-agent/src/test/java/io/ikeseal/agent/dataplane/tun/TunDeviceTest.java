package io.ikeseal.agent.dataplane.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.testhsm.ChildJvm;
import io.ikeseal.testhsm.DebianTools;
import io.ikeseal.testhsm.NetNamespace;

/**
 * A real TUN device through FFM, always inside a network namespace this test creates (the host's network is never
 * touched): TunEchoMain runs there as a child JVM, answers pings through its TUN queues, and its device and routes go
 * when it closes them.
 */
class TunDeviceTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void pingsCrossTheTunBothFamiliesAndTheDeviceGoesWithItsQueues() throws Exception {
        try (NetNamespace ns = NetNamespace.create("iktun")) {
            Child echo = Child.start(ns, dir, "echo", "ikt0", "2");
            try {
                echo.await("ready");
                String routes4 = ns.ipInside("-4", "route", "show", "dev", "ikt0");
                assertTrue(routes4.contains("10.200.0.0/24") && routes4.contains("src 10.199.0.1"), routes4);
                assertTrue(ns.ipInside("-6", "route", "show", "dev", "ikt0").contains("fd00:200::/64"));
                assertTrue(ns.ipInside("link", "show", "ikt0").contains("mtu 1400"));

                String v4 = ns.run(DebianTools.ping().toString(), "-c", "3", "-W", "2", "10.200.0.9");
                assertTrue(v4.contains("3 received"), v4);
                String v6 = ns.run(DebianTools.ping().toString(), "-6", "-c", "3", "-W", "2", "fd00:200::9");
                assertTrue(v6.contains("3 received"), v6);

                echo.stop();
                assertEquals(0, echo.exit(), echo.all());
                Matcher m = Pattern.compile("echoed (\\d+)").matcher(echo.stdout());
                assertTrue(m.find(), echo.all());
                assertTrue(Long.parseLong(m.group(1)) >= 6, echo.all());
            } finally {
                echo.kill();
            }
            IllegalStateException gone =
                    assertThrows(IllegalStateException.class, () -> ns.ipInside("link", "show", "ikt0"));
            assertTrue(gone.getMessage().contains("does not exist"), gone.getMessage());
            assertEquals("", ns.ipInside("-4", "route", "show", "10.200.0.0/24").strip());
        }
    }

    @Test
    void closeWakesABlockedReaderWithMinusOne() throws Exception {
        try (NetNamespace ns = NetNamespace.create("iktun")) {
            Child c = Child.start(ns, dir, "close", "ikt1");
            try {
                c.awaitExit();
                assertEquals(0, c.exit(), c.all());
                Matcher m = Pattern.compile("read (-?\\d+) after (\\d+) ms").matcher(c.stdout());
                assertTrue(m.find(), c.all());
                assertEquals(-1, Integer.parseInt(m.group(1)), c.all());
                assertTrue(Long.parseLong(m.group(2)) < 100, "woken within 100 ms: " + c.all());
            } finally {
                c.kill();
            }
            assertThrows(IllegalStateException.class, () -> ns.ipInside("link", "show", "ikt1"));
        }
    }

    @Test
    void refusesNamesTheKernelCannotTakeAndImpossibleMtus() {
        IllegalArgumentException longName =
                assertThrows(IllegalArgumentException.class, () -> TunDevice.open("ikeseal-tun-0123", 1400, 1));
        assertTrue(longName.getMessage().contains("16"), longName.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open("", 1400, 1));
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open("a/b", 1400, 1));
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open("ikt 0", 1400, 1));
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open("ikt0", 67, 1));
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open("ikt0", 65536, 1));
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open("ikt0", 1400, 0));
    }

    @Test
    void errnoBecomesReadableText() {
        assertEquals("No such file or directory (errno 2)", Libc.describe(2));
        assertTrue(Libc.failure("cannot open /dev/net/tun", 1).getMessage().contains("CAP_NET_ADMIN"));
    }

    /** A child JVM inside the namespace, output to files (no pipe can fill), every wait bounded. */
    private record Child(Process process, Path out, Path err) {
        static Child start(NetNamespace ns, Path dir, String... args) throws IOException {
            List<String> command = ns.wrap(ChildJvm.command(List.of(), TunEchoMain.class.getName(), List.of(args)));
            Path out = dir.resolve(args[0] + ".stdout");
            Path err = dir.resolve(args[0] + ".stderr");
            Process p = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            return new Child(p, out, err);
        }

        void await(String part) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!stdout().contains(part)) {
                if (!process.isAlive()) {
                    fail("child exited " + process.exitValue() + ":\n" + all());
                }
                if (System.nanoTime() > deadline) {
                    fail("no '" + part + "' within " + WAIT + ":\n" + all());
                }
                Thread.sleep(50);
            }
        }

        void stop() throws IOException {
            try (OutputStream in = process.getOutputStream()) {
                in.write("stop\n".getBytes(StandardCharsets.UTF_8));
            }
            awaitExit();
        }

        void awaitExit() throws IOException {
            try {
                if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    fail("child did not exit within " + WAIT + ":\n" + all());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }

        int exit() {
            return process.exitValue();
        }

        void kill() {
            process.destroyForcibly();
        }

        String stdout() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        String all() throws IOException {
            return stdout() + "--- stderr\n" + Files.readString(err, StandardCharsets.UTF_8);
        }
    }
}
