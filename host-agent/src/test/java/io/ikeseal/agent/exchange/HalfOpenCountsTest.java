package io.ikeseal.agent.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.AdmissionSettings;
import io.ikeseal.agent.exchange.HalfOpenCounts.Verdict;

/** The admission verdicts by half-open counts: per address, per /24 or /64 prefix, in all (RFC 7296 §2.6). */
class HalfOpenCountsTest {
    private static InetAddress ip(String a) throws UnknownHostException {
        return InetAddress.getByName(a);
    }

    @Test
    void anAddressNeedsCookiesAtItsThresholdAndIsDroppedAtItsLimit() throws Exception {
        HalfOpenCounts c = new HalfOpenCounts(AdmissionSettings.DEFAULT, 20);
        InetAddress a = ip("198.51.100.1");
        for (int i = 0; i < 3; i++) {
            assertEquals(Verdict.ADMIT, c.verdict(a));
            c.add(a);
        }
        assertEquals(Verdict.COOKIE, c.verdict(a));
        c.add(a);
        c.add(a);
        assertEquals(Verdict.DROP_SOURCE, c.verdict(a));
        assertEquals(Verdict.ADMIT, c.verdict(ip("198.51.101.1")), "another prefix is not affected");
        c.remove(a);
        assertEquals(Verdict.COOKIE, c.verdict(a));
    }

    @Test
    void ipv6AddressesOfOneSlash64ShareTheirPrefixLimit() throws Exception {
        HalfOpenCounts c = new HalfOpenCounts(AdmissionSettings.DEFAULT, 1000);
        for (int host = 1; host <= 4; host++) {
            for (int i = 0; i < 5; i++) {
                c.add(ip("2001:db8:1:2::" + host));
            }
        }
        assertEquals(Verdict.DROP_PREFIX, c.verdict(ip("2001:db8:1:2::99")));
        assertEquals(Verdict.ADMIT, c.verdict(ip("2001:db8:1:3::1")), "the next /64");
    }

    @Test
    void theGlobalThresholdAsksEveryoneForACookieAndTheLimitDropsEveryone() throws Exception {
        HalfOpenCounts c = new HalfOpenCounts(new AdmissionSettings(6, 3, 5, 12, 20, 10, 1000), 2);
        c.add(ip("10.0.1.1"));
        c.add(ip("10.0.2.1"));
        assertEquals(Verdict.COOKIE, c.verdict(ip("10.0.3.1")));
        for (int i = 4; i <= 7; i++) {
            c.add(ip("10.0." + i + ".1"));
        }
        assertEquals(Verdict.DROP_GLOBAL, c.verdict(ip("10.0.9.1")));
    }

    @Test
    void entriesLeaveWithTheirLastHalfOpenSa() throws Exception {
        HalfOpenCounts c = new HalfOpenCounts(AdmissionSettings.DEFAULT, 20);
        for (int i = 0; i < 1000; i++) {
            InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 8), (byte) i, 1});
            c.add(a);
            c.remove(a);
        }
        assertEquals(0, c.entries());
        assertEquals(0, c.total());
    }

    @Test
    void knownPeersKeepAReserveWhenUnknownAddressesFillTheGlobalLimit() throws Exception {
        AdmissionSettings limits = new AdmissionSettings(8, 3, 5, 12, 20, 10, 1000);
        HalfOpenCounts c = new HalfOpenCounts(limits, 4);
        for (int i = 1; i <= 8; i++) {
            c.add(ip("203.0." + i + ".1"), false);
        }
        InetAddress known = ip("198.51.100.1");
        assertEquals(Verdict.DROP_GLOBAL, c.verdict(known), "unknown: dropped at the global limit");
        assertEquals(2, c.reserve(), "a quarter of the global limit");
        assertEquals(Verdict.COOKIE, c.verdict(known, true), "known: still must return a COOKIE past the threshold");
        c.add(known, true);
        c.add(ip("198.51.100.2"), true);
        assertEquals(10, c.total());
        assertEquals(false, c.reserveFree());
        assertEquals(Verdict.DROP_GLOBAL, c.verdict(known, true), "the reserve is full: as anyone else");
        c.remove(known, true);
        assertEquals(true, c.reserveFree());
        assertEquals(Verdict.DROP_GLOBAL, c.verdict(ip("203.0.99.1")), "the reserve never admits unknown addresses");
    }

    @Test
    void aKnownPeerKeepsItsOwnLimitInTheReserve() throws Exception {
        HalfOpenCounts c = new HalfOpenCounts(AdmissionSettings.DEFAULT, 20);
        InetAddress known = ip("198.51.100.1");
        for (int i = 0; i < 3; i++) {
            assertEquals(Verdict.ADMIT, c.verdict(known, true));
            c.add(known, true);
        }
        assertEquals(Verdict.COOKIE, c.verdict(known, true));
        c.add(known, true);
        c.add(known, true);
        assertEquals(Verdict.DROP_SOURCE, c.verdict(known, true));
    }
}
