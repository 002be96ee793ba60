package io.ikeseal.agent.dataplane;

import static io.ikeseal.agent.dataplane.Gateways.ts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ikeseal.agent.config.DataPlaneConfig;
import io.ikeseal.agent.dataplane.tun.TunDevice;
import io.ikeseal.agent.dataplane.tun.TunRoutes;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.wire.TrafficSelector;
import io.ikeseal.testhsm.DebianTools;

/**
 * Run by UserspaceDataPlaneTunTest inside namespace A, never on the host's own network: two real TUN devices, one
 * left in A (10.1.0.1/16, fd01::1/64) and one moved into namespace B (args[0]; 10.2.0.1/16, fd02::1/64), each
 * under a data plane with real AES-GCM-256 halves of one CHILD_SA, the ESP of each handed straight to the other (no
 * IKE, no UDP). Prints "ready", stops on a "stop" line or EOF, prints each end's traffic and drops.
 */
public final class TunPlanesMain {
    private static final List<TrafficSelector> SITE_A =
            List.of(ts("10.1.0.0", "10.1.255.255"), ts("fd01::", "fd01::ffff:ffff:ffff:ffff"));
    private static final List<TrafficSelector> SITE_B =
            List.of(ts("10.2.0.0", "10.2.255.255"), ts("fd02::", "fd02::ffff:ffff:ffff:ffff"));

    private TunPlanesMain() {}

    public static void main(String[] args) throws Exception {
        String nsB = args[0];
        DataPlaneConfig config = new DataPlaneConfig(DataPlaneConfig.Mode.USERSPACE, "ikdp0", 1400, 1024, 2);
        try (TunDevice a = TunDevice.open("ikdp0", 1400, 2);
                TunDevice b = TunDevice.open("ikdp1", 1400, 1)) {
            a.addAddress(InetAddress.getByName("10.1.0.1"), 16);
            a.addAddress(InetAddress.getByName("fd01::1"), 64);
            ip("link", "set", "dev", "ikdp1", "netns", nsB);
            ip("-n", nsB, "link", "set", "dev", "ikdp1", "mtu", "1400", "up");
            ip("-n", nsB, "-4", "addr", "add", "10.2.0.1/16", "dev", "ikdp1");
            ip("-n", nsB, "-6", "addr", "add", "fd02::1/64", "dev", "ikdp1", "nodad");
            // B's routes live in namespace B, out of reach of B's TunRoutes here: set them by hand.
            ip("-n", nsB, "-4", "route", "add", "10.1.0.0/16", "dev", "ikdp1", "src", "10.2.0.1");
            ip("-n", nsB, "-6", "route", "add", "fd01::/64", "dev", "ikdp1", "src", "fd02::1");

            DirectWire toB = new DirectWire();
            DirectWire toA = new DirectWire();
            try (UserspaceDataPlane planeA =
                            new UserspaceDataPlane(config, a.queues(), a.routes(), toB, EspHalves.TRANSFORMS);
                    UserspaceDataPlane planeB =
                            new UserspaceDataPlane(config, b.queues(), new NoRoutes(), toA, EspHalves.TRANSFORMS)) {
                toB.peer = planeB;
                toA.peer = planeA;
                ChildSaRecord atA = Gateways.record(0xa0a0a0a0, 0xb0b0b0b0, SITE_A, SITE_B, true);
                ChildSaRecord atB = Gateways.record(0xb0b0b0b0, 0xa0a0a0a0, SITE_B, SITE_A, false);
                Gateways.installAt(planeA, atA, 42); // A's routes into ikdp0, source 10.1.0.1 found on the device
                Gateways.installAt(planeB, atB, 42);
                planeA.start();
                planeB.start();
                System.out.println("ready");
                awaitStop();
                System.out.println("A: " + planeA.traffic(atA).describe() + "; drops: "
                        + planeA.counters().describe());
                System.out.println("B: " + planeB.traffic(atB).describe() + "; drops: "
                        + planeB.counters().describe());
            }
        }
        System.out.println("closed");
    }

    private static void awaitStop() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("stop"); line = in.readLine()) {
            // the test sends nothing else
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(DebianTools.ip().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    /** B's device sits in another namespace; its routes are set by hand. */
    private static final class NoRoutes implements TunRoutes {
        @Override
        public void add(TrafficSelector remote, InetAddress source) {}

        @Override
        public void remove(TrafficSelector remote) {}

        @Override
        public void close() {}
    }
}
