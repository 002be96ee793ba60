package io.ikeseal.agent.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service manager's readiness protocol (sd_notify(3)): one datagram of {@code KEY=value} lines to the Unix
 * datagram socket named by {@code $NOTIFY_SOCKET}, for {@code Type=notify} units. A name starting with {@code @} is
 * in the abstract namespace. Without {@code $NOTIFY_SOCKET} (not under systemd) every call does nothing. A failed
 * send is logged once and never stops the daemon: readiness is a courtesy to the manager, not part of IKE.
 *
 * <p>The JDK's channels speak Unix domain sockets only as streams, so the datagram goes out through Netty's native
 * socket, which the transport already loads (docs/operations.md, "Installing as a service").
 */
public final class SystemdNotify {
    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotify.class);
    /** Not under a service manager: nothing is sent. */
    public static final SystemdNotify NONE = new SystemdNotify(null, null);

    private final byte[] socket;
    private final Duration watchdog;
    private volatile boolean failed;

    private SystemdNotify(byte[] socket, Duration watchdog) {
        this.socket = socket;
        this.watchdog = watchdog;
    }

    /** From the environment systemd gives a service: {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}/{@code _PID}. */
    public static SystemdNotify fromEnvironment(Map<String, String> env) {
        String path = env.get("NOTIFY_SOCKET");
        if (path == null || path.isEmpty()) {
            return NONE;
        }
        return new SystemdNotify(address(path), watchdog(env));
    }

    /** {@code @name} is the abstract socket {@code \0name} (sd_notify(3)). */
    static byte[] address(String path) {
        byte[] raw = path.getBytes(StandardCharsets.UTF_8);
        if (raw[0] == '@') {
            raw[0] = 0;
        }
        return raw;
    }

    /** The watchdog interval if it is meant for this process (WATCHDOG_PID absent or ours), else null. */
    private static Duration watchdog(Map<String, String> env) {
        String usec = env.get("WATCHDOG_USEC");
        String pid = env.get("WATCHDOG_PID");
        if (usec == null
                || (pid != null
                        && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return null;
        }
        try {
            long us = Long.parseLong(usec.trim());
            return us > 0 ? Duration.ofNanos(us * 1000) : null;
        } catch (NumberFormatException e) {
            LOG.warn("ignoring WATCHDOG_USEC '{}': not a number of microseconds", usec);
            return null;
        }
    }

    /** Whether a service manager listens. */
    public boolean active() {
        return socket != null;
    }

    /** How often {@link #watchdogPing} must be called ({@code WatchdogSec=} halved), if the manager asks for it. */
    public Optional<Duration> watchdogInterval() {
        return Optional.ofNullable(watchdog).map(w -> w.dividedBy(2));
    }

    /** The daemon is up: tokens open, sockets bound, control socket listening. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + oneLine(status) + "\nMAINPID="
                + ProcessHandle.current().pid() + "\n");
    }

    public void status(String status) {
        send("STATUS=" + oneLine(status) + "\n");
    }

    public void stopping() {
        send("STOPPING=1\n");
    }

    public void watchdogPing() {
        if (watchdog != null) {
            send("WATCHDOG=1\n");
        }
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ');
    }

    private void send(String message) {
        if (socket == null) {
            return;
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        try {
            Epoll.ensureAvailability();
            Socket s = Socket.newSocketDomainDgram();
            try {
                s.sendToDomainSocket(buf, 0, bytes.length, socket);
            } finally {
                s.close();
            }
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            if (!failed) {
                failed = true;
                LOG.warn(
                        "cannot notify the service manager ({}): {}",
                        e.getClass().getSimpleName(),
                        e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return active()
                ? "SystemdNotify[" + new String(socket, StandardCharsets.UTF_8).replace('\0', '@') + "]"
                : "SystemdNotify[none]";
    }
}
