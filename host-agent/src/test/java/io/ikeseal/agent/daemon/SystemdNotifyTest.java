package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify(3) datagrams reach a real Unix datagram socket bound where $NOTIFY_SOCKET says, as systemd binds it. */
class SystemdNotifyTest {
    @TempDir
    Path dir;

    @Test
    void readyStatusWatchdogAndStoppingReachTheSocket() throws Exception {
        Epoll.ensureAvailability();
        Path path = dir.resolve("notify");
        Socket manager = Socket.newSocketDomainDgram();
        try {
            manager.bind(new DomainSocketAddress(path.toString()));
            String pid = Long.toString(ProcessHandle.current().pid());
            SystemdNotify n = SystemdNotify.fromEnvironment(
                    Map.of("NOTIFY_SOCKET", path.toString(), "WATCHDOG_USEC", "20000000", "WATCHDOG_PID", pid));
            assertTrue(n.active());
            assertEquals(Optional.of(Duration.ofSeconds(10)), n.watchdogInterval());

            n.ready("1 connection, listening on 127.0.0.1:500");
            assertEquals(
                    "READY=1\nSTATUS=1 connection, listening on 127.0.0.1:500\nMAINPID=" + pid + "\n",
                    receive(manager));
            n.status("3 IKE SAs\nsecond line");
            assertEquals("STATUS=3 IKE SAs second line\n", receive(manager));
            n.watchdogPing();
            assertEquals("WATCHDOG=1\n", receive(manager));
            n.stopping();
            assertEquals("STOPPING=1\n", receive(manager));
        } finally {
            manager.close();
        }
    }

    @Test
    void withoutNotifySocketNothingIsSentAndAMissingManagerNeverThrows() throws Exception {
        assertFalse(SystemdNotify.fromEnvironment(Map.of()).active());
        SystemdNotify.NONE.ready("x");
        // a manager that went away: logged once, never thrown
        SystemdNotify gone = SystemdNotify.fromEnvironment(
                Map.of("NOTIFY_SOCKET", dir.resolve("absent").toString()));
        gone.ready("x");
        gone.stopping();
        assertFalse(Files.exists(dir.resolve("absent")));
    }

    @Test
    void watchdogForAnotherProcessOrMalformedIsIgnored() {
        assertEquals(
                Optional.empty(),
                SystemdNotify.fromEnvironment(
                                Map.of("NOTIFY_SOCKET", "/x", "WATCHDOG_USEC", "1000", "WATCHDOG_PID", "1"))
                        .watchdogInterval());
        assertEquals(
                Optional.empty(),
                SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "/x", "WATCHDOG_USEC", "soon"))
                        .watchdogInterval());
        assertEquals(0, SystemdNotify.address("@ikeseal")[0], "abstract namespace");
    }

    private static String receive(Socket s) throws Exception {
        return receive(s, Duration.ofSeconds(5), null);
    }

    /**
     * One datagram, polled for at most {@code bound} (the socket is non-blocking); fails early if {@code sender}
     * (null: none to watch) exits meanwhile.
     */
    static String receive(Socket s, Duration bound, Process sender) throws Exception {
        ByteBuffer buf = ByteBuffer.allocateDirect(4096);
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            DomainDatagramSocketAddress from = s.recvFromDomainSocket(buf, 0, buf.capacity());
            if (from != null) {
                byte[] b = new byte[from.receivedAmount()];
                buf.get(0, b);
                return new String(b, StandardCharsets.UTF_8);
            }
            assertTrue(sender == null || sender.isAlive(), "the sender exited early");
            Thread.sleep(5);
        }
        throw new AssertionError("no datagram within " + bound);
    }
}
