package io.ikeseal.agent.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The bounded IKE_SA_INIT work queue: slots, arrival order, a slot freed once, a closed waiter leaving its place. */
class InitWorkTest {
    @Test
    void slotsThenQueueThenFullAndEachTicketFreesItsSlotOnce() {
        InitWork w = new InitWork(2, 2);
        List<String> ran = new ArrayList<>();
        List<InitWork.Ticket> t = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "d")) {
            InitWork.Ticket k = w.ticket(x -> ran.add(name));
            t.add(k);
            assertFalse(w.full());
            w.start(k);
        }
        assertEquals(List.of("a", "b"), ran);
        assertEquals(2, w.running());
        assertEquals(2, w.waiting());
        assertTrue(w.full());

        t.get(2).done(); // c's SA closed while it waited: it leaves the queue and frees nothing
        assertEquals(2, w.running());
        assertEquals(1, w.waiting());
        t.get(0).done();
        t.get(0).done(); // twice: answered, then closed
        assertEquals(List.of("a", "b", "d"), ran, "d took a's slot");
        assertEquals(2, w.running());
        t.get(1).done();
        t.get(3).done();
        assertEquals(0, w.running());
        assertEquals(0, w.waiting());
    }
}
