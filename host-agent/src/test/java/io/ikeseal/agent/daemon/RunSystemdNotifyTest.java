package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.cli.Main;
import io.ikeseal.testhsm.ChildJvm;

/**
 * {@code ikeseal run} in its own JVM under a stand-in for systemd's notify socket ({@code Type=notify}): READY=1
 * with the JVM's own pid as MAINPID once it listens, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1 on SIGTERM,
 * then exit 0.
 */
class RunSystemdNotifyTest {
    @TempDir
    Path dir;

    @Test
    void readyWatchdogAndStoppingReachTheManager() throws Exception {
        Epoll.ensureAvailability();
        Path notify = dir.resolve("notify");
        Socket manager = Socket.newSocketDomainDgram();
        try (TestDeployment deployment = TestDeployment.create(Files.createDirectory(dir.resolve("tokens")))) {
            manager.bind(new DomainSocketAddress(notify.toString()));
            String ports;
            try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                    DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                ports = a.getLocalPort() + "," + b.getLocalPort();
            }
            Path config = deployment.writeConfig(
                    "notify",
                    "audit.log",
                    ConnectionYaml.gateway()
                            .ike("port: " + ports.substring(0, ports.indexOf(',')))
                            .ike("nat-t-port: " + ports.substring(ports.indexOf(',') + 1))
                            .yaml());
            ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(
                            List.of(), Main.class.getName(), List.of("run", "--config", config.toString())))
                    .redirectOutput(dir.resolve("out").toFile())
                    .redirectError(dir.resolve("err").toFile());
            pb.environment().putAll(deployment.environment());
            pb.environment().put("NOTIFY_SOCKET", notify.toString());
            pb.environment().put("WATCHDOG_USEC", "400000");
            Process run = pb.start();
            try {
                String ready = receive(manager, run);
                assertTrue(ready.startsWith("READY=1\nSTATUS="), ready);
                assertTrue(ready.endsWith("\nMAINPID=" + run.pid() + "\n"), ready);
                assertEquals("WATCHDOG=1\n", receive(manager, run), "a ping within 200 ms of the 400 ms watchdog");
                run.destroy();
                String next;
                do {
                    next = receive(manager, run);
                } while (next.equals("WATCHDOG=1\n"));
                assertEquals("STOPPING=1\n", next);
                assertTrue(run.waitFor(20, TimeUnit.SECONDS), "stops on SIGTERM");
                assertEquals(0, run.exitValue(), Files.readString(dir.resolve("err")));
            } finally {
                run.destroyForcibly();
            }
        } finally {
            manager.close();
        }
    }

    /** One datagram within 30 s (a cold JVM opening two tokens); fails early if run exits. */
    private static String receive(Socket s, Process run) throws Exception {
        return SystemdNotifyTest.receive(s, Duration.ofSeconds(30), run);
    }
}
