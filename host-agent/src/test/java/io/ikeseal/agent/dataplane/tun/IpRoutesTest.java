package io.ikeseal.agent.dataplane.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.wire.TrafficSelector;

/** The ip commands IpRoutes issues, recorded instead of run: reference counts, families, undo and close. */
class IpRoutesTest {
    private final List<String> issued = new ArrayList<>();
    private String failOn;

    private final IpRoutes routes = new IpRoutes("ikt0", args -> {
        String line = String.join(" ", args);
        issued.add(line);
        if (failOn != null && line.contains(failOn)) {
            throw new IOException("ip " + line + " failed with exit code 2: RTNETLINK answers: File exists");
        }
        return "";
    });

    @Test
    void routesEachPrefixOnceAndDropsItWithItsLastUser() throws Exception {
        routes.add(ts("10.200.0.0", "10.200.0.255"), InetAddress.getByName("10.199.0.1"));
        routes.add(ts("10.200.0.0", "10.200.0.255"), null); // a rekeyed SA with the same selector
        assertEquals(List.of("-4 route replace 10.200.0.0/24 dev ikt0 src 10.199.0.1"), issued);
        assertEquals(Map.of(new CidrPrefix(InetAddress.getByName("10.200.0.0"), 24), 2), routes.routed());

        routes.remove(ts("10.200.0.0", "10.200.0.255"));
        assertEquals(1, issued.size(), "one user remains");
        routes.remove(ts("10.200.0.0", "10.200.0.255"));
        assertEquals("-4 route del 10.200.0.0/24 dev ikt0", issued.get(1));
        routes.remove(ts("10.200.0.0", "10.200.0.255")); // missing: no error, no command
        assertEquals(2, issued.size());
    }

    @Test
    void oddRangesAndIpv6() throws Exception {
        routes.add(ts("10.0.0.3", "10.0.0.5"), null);
        routes.add(ts("fd00:200::", "fd00:200::ffff:ffff:ffff:ffff"), InetAddress.getByName("fd00:199::1"));
        assertEquals(
                List.of(
                        "-4 route replace 10.0.0.3/32 dev ikt0",
                        "-4 route replace 10.0.0.4/31 dev ikt0",
                        "-6 route replace fd00:200:0:0:0:0:0:0/64 dev ikt0 src fd00:199:0:0:0:0:0:1"),
                issued);
        routes.close();
        assertEquals(
                List.of(
                        "-4 route del 10.0.0.3/32 dev ikt0",
                        "-4 route del 10.0.0.4/31 dev ikt0",
                        "-6 route del fd00:200:0:0:0:0:0:0/64 dev ikt0"),
                issued.subList(3, 6));
        assertEquals(Map.of(), routes.routed());
        assertThrows(IOException.class, () -> routes.add(ts("10.0.0.3", "10.0.0.5"), null));
    }

    @Test
    void aFailedAddUndoesItsOwnShare() throws Exception {
        routes.add(ts("10.0.0.4", "10.0.0.5"), null);
        failOn = "10.0.0.8/32";
        assertThrows(IOException.class, () -> routes.add(ts("10.0.0.6", "10.0.0.8"), null));
        assertEquals(
                Map.of(new CidrPrefix(InetAddress.getByName("10.0.0.4"), 31), 1),
                routes.routed(),
                "10.0.0.6/31 was added and removed again");
        assertEquals("-4 route del 10.0.0.6/31 dev ikt0", issued.getLast());
    }

    /** The real ip, asked for an object it does not know: no network is read or changed. */
    @Test
    void ipFailuresCarryExitCodeAndStderr() {
        IOException e = assertThrows(IOException.class, () -> IpCommand.system().run(List.of("nosuchobject")));
        assertTrue(e.getMessage().contains("failed with exit code 1"), e.getMessage());
        assertTrue(e.getMessage().contains("is unknown"), e.getMessage());
    }

    static TrafficSelector ts(String start, String end) throws IOException {
        return TrafficSelector.of(InetAddress.getByName(start), InetAddress.getByName(end), 0, 0, 0xffff);
    }
}
