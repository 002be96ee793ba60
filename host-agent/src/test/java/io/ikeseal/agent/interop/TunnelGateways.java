package io.ikeseal.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ikeseal.agent.cli.Main;
import io.ikeseal.agent.daemon.TestDeployment;
import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.testhsm.NetNamespace;
import io.ikeseal.testhsm.TwoSites;

/**
 * What the tunnel tests share: {@code ikeseal run} as a gateway of a {@link TwoSites} site with the userspace data
 * plane (PSK auth, AES-GCM-256, the site's subnet against the other's), a TCP transfer across with its content
 * checked, and the per-CHILD_SA traffic {@code run} prints when a CHILD_SA is deleted.
 */
final class TunnelGateways {
    static final Duration START = Duration.ofSeconds(30);
    static final Duration ESTABLISH = Duration.ofSeconds(20);
    static final Duration STOP = Duration.ofSeconds(20);
    static final String TUN = "iks0";
    /** "in N packets/M octets, out N packets/M octets", as {@link ChildSaTraffic#describe()} writes it. */
    private static final Pattern TRAFFIC =
            Pattern.compile("in (\\d+) packets/(\\d+) octets, out (\\d+) packets/(\\d+) octets");

    private TunnelGateways() {}

    /** The left or right site's gateway: its veth address, its subnet, the other's; initiated at start if asked. */
    static String yaml(boolean left, boolean initiate) {
        String local = left ? TwoSites.LEFT_OUTER : TwoSites.RIGHT_OUTER;
        String remote = left ? TwoSites.RIGHT_OUTER : TwoSites.LEFT_OUTER;
        return """
                listen: ["%s"]
                ike:
                  port: 500
                  nat-t-port: 4500
                data-plane:
                  mode: userspace
                  tun: %s
                  mtu: 1400
                  replay-window: 1024
                connections:
                  - name: site
                    local-address: "%s"
                    remote-address: "%s"
                    local-id: %s
                    remote-id: %s
                    local-auth: psk
                    psk: %s
                    proposals: [aes256gcm16-prfsha256-ecp256]
                    initiate: %s
                    children:
                      - name: net
                        local-ts: [%s]
                        remote-ts: [%s]
                        esp-proposals: [aes256gcm16]
                        mode: tunnel
                """.formatted(
                        local,
                        TUN,
                        local,
                        remote,
                        left ? TestDeployment.BRANCH : TestDeployment.GATEWAY,
                        left ? TestDeployment.GATEWAY : TestDeployment.BRANCH,
                        TestDeployment.PSK,
                        initiate,
                        left ? TwoSites.LEFT_SUBNET : TwoSites.RIGHT_SUBNET,
                        left ? TwoSites.RIGHT_SUBNET : TwoSites.LEFT_SUBNET);
    }

    /** {@code ikeseal run} with {@code d}'s tokens and {@code rest} inside {@code ns}; waits until it runs. */
    static NamespaceProcess run(String name, NetNamespace ns, TestDeployment d, String rest, Path dir)
            throws Exception {
        Path config = d.writeConfig(name, name + "-audit.log", rest);
        NamespaceProcess p = NamespaceProcess.java(
                "ikeseal-" + name, ns, Main.class, List.of("run", "--config", config.toString()), d.environment(), dir);
        try {
            p.await(" running: ", START);
            return p;
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    /** Waits until the tunnel carries a ping from left to right (the TUN and its routes may trail the event line). */
    static void awaitTunnel(TwoSites sites) {
        long deadline = System.nanoTime() + ESTABLISH.toNanos();
        while (!TwoSites.answers(sites.left(), TwoSites.LEFT_HOST, TwoSites.RIGHT_HOST)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no ping across the tunnel within " + ESTABLISH);
            }
            try {
                Thread.sleep(100); // "network unreachable" answers at once
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /**
     * Sends {@code bytes} pseudo-random octets by TCP from {@code fromAddress} in {@code from} to {@code toAddress}
     * in {@code to}, each end a JVM in its namespace; asserts that as many arrived with the same SHA-256.
     */
    static void transfer(
            NetNamespace from, String fromAddress, NetNamespace to, String toAddress, long bytes, Path dir) {
        long seed = System.nanoTime();
        try (NamespaceProcess receiver = NamespaceProcess.java(
                        "tcp-receive-" + toAddress,
                        to,
                        TcpTransfer.class,
                        List.of("receive", toAddress, "5001"),
                        Map.of(),
                        dir);
                NamespaceProcess sender = start(receiver, from, fromAddress, toAddress, bytes, seed, dir)) {
            assertEquals(0, sender.awaitExit(Duration.ofSeconds(40)), sender::output);
            assertEquals(0, receiver.awaitExit(Duration.ofSeconds(10)), receiver::output);
            String sent = line(sender.output(), "sent ");
            String received = line(receiver.output(), "received ");
            assertEquals(sent.substring("sent ".length()), received.substring("received ".length()), "content");
            assertFalse(sent.isEmpty());
        }
    }

    private static NamespaceProcess start(
            NamespaceProcess receiver,
            NetNamespace from,
            String fromAddress,
            String toAddress,
            long bytes,
            long seed,
            Path dir) {
        receiver.await(TcpTransfer.LISTENING, Duration.ofSeconds(15));
        return NamespaceProcess.java(
                "tcp-send-" + fromAddress,
                from,
                TcpTransfer.class,
                List.of("send", fromAddress, toAddress, "5001", Long.toString(bytes), Long.toString(seed)),
                Map.of(),
                dir);
    }

    private static String line(String output, String prefix) {
        return output.lines()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '" + prefix + "' line in:\n" + output));
    }

    /** The traffic of every CHILD_SA {@code run} printed as deleted, added up. */
    static ChildSaTraffic traffic(String runOutput) {
        long ip = 0;
        long io = 0;
        long op = 0;
        long oo = 0;
        int lines = 0;
        for (String l :
                runOutput.lines().filter(l -> l.contains("CHILD_SA deleted")).toList()) {
            Matcher m = TRAFFIC.matcher(l);
            if (m.find()) {
                ip += Long.parseLong(m.group(1));
                io += Long.parseLong(m.group(2));
                op += Long.parseLong(m.group(3));
                oo += Long.parseLong(m.group(4));
                lines++;
            }
        }
        if (lines == 0) {
            throw new AssertionError("run printed no CHILD_SA deletion with its traffic:\n" + runOutput);
        }
        return new ChildSaTraffic(ip, io, op, oo);
    }
}
