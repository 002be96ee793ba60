package io.ikeseal.agent.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.AdmissionSettings;
import io.ikeseal.agent.transport.DropCounters;

/** Refusal rates: per source and in all, on the scheduler's clock, with a bounded table of sources. */
class RefusalsTest {
    @Test
    void aSourceGetsItsBurstThenItsRateAndTheTableStaysBounded() throws Exception {
        ManualScheduler clock = new ManualScheduler();
        DropCounters counters = new DropCounters();
        Refusals r = new Refusals(new AdmissionSettings(400, 3, 5, 12, 20, 2, 100_000), clock.clock(), counters);
        InetAddress a = InetAddress.getByName("198.51.100.1");
        assertTrue(r.allow(a, "INVALID_KE_PAYLOAD"));
        assertTrue(r.allow(a, "INVALID_KE_PAYLOAD"));
        assertFalse(r.allow(a, "INVALID_KE_PAYLOAD"));
        clock.advance(Duration.ofMillis(500));
        assertTrue(r.allow(a, "INVALID_KE_PAYLOAD"), "2 a second: one more after half a second");
        assertFalse(r.allow(a, "INVALID_KE_PAYLOAD"));
        assertEquals(3, counters.getSa("refused.INVALID_KE_PAYLOAD"));
        assertEquals(2, counters.getSa("refusal-rate-limited.INVALID_KE_PAYLOAD"));
        for (int i = 0; i < 10_000; i++) {
            r.allow(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}), "COOKIE");
        }
        assertEquals(Refusals.SOURCES, r.sources());
    }

    @Test
    void unknownAddressesUsingUpTheAnswersLeaveKnownPeersTheirOwn() throws Exception {
        ManualScheduler clock = new ManualScheduler();
        Refusals r = new Refusals(new AdmissionSettings(400, 3, 5, 12, 20, 2, 10), clock.clock(), new DropCounters());
        for (int i = 0; i < 10; i++) {
            assertTrue(r.allow(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i}), "COOKIE"));
        }
        InetAddress known = InetAddress.getByName("198.51.100.1");
        assertFalse(r.allow(InetAddress.getByName("10.0.1.1"), "COOKIE"), "the global answers are used up");
        assertFalse(r.allow(known, "COOKIE"), "as unknown, it shares them");
        for (int i = 0; i < 10; i++) {
            assertTrue(r.allow(known, "COOKIE", true), "as a known peer, from the known peers' bucket, past 2/s");
        }
        assertFalse(r.allow(known, "COOKIE", true), "which bounds known peers' answers in all");
        assertFalse(r.allow(InetAddress.getByName("198.51.100.2"), "COOKIE", true));
    }
}
