package io.ikeseal.agent.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.wire.MalformedReason;
import io.ikeseal.agent.wire.NotifyType;

class DropCountersTest {

    @Test
    void everyReasonHasACounterByLabel() {
        DropCounters c = new DropCounters();
        c.count(DropReason.NAT_KEEPALIVE);
        c.count(DropReason.NAT_KEEPALIVE);
        c.count(MalformedReason.TRUNCATED);
        c.countAnswer(NotifyType.INVALID_IKE_SPI);
        assertEquals(
                DropReason.values().length + MalformedReason.values().length + 3,
                c.snapshot().size());
        assertEquals(2L, c.snapshot().get("nat-keepalive"));
        assertEquals(1L, c.snapshot().get("malformed.truncated"));
        assertEquals(1L, c.snapshot().get("answered.INVALID_IKE_SPI"));
        assertEquals(0L, c.snapshot().get("answered.INVALID_MAJOR_VERSION"));
        assertEquals(3, c.totalDrops());
        assertEquals("DropCounters{nat-keepalive=2, malformed.truncated=1, answered.INVALID_IKE_SPI=1}", c.toString());
    }

    @Test
    void onlyTheThreeUnprotectedNotificationsAreEverCounted() {
        DropCounters c = new DropCounters();
        assertThrows(IllegalArgumentException.class, () -> c.countAnswer(NotifyType.INVALID_SYNTAX));
        assertThrows(IllegalArgumentException.class, () -> c.answers(NotifyType.NO_PROPOSAL_CHOSEN));
    }
}
