package io.ikeseal.hsm.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The count itself: exact, released once, never negative (docs/tokens.md, "Live token objects"). */
class LiveTokenObjectsTest {

    @Test
    void aHandleCountsFromCreationUntilItsFirstRelease() {
        LiveTokenObjects live = new LiveTokenObjects();
        Object o = new Object();
        LiveTokenObjects.Handle<Object> a = live.track(o);
        LiveTokenObjects.Handle<Object> b = live.track(new Object());
        assertEquals(2, live.count());
        assertSame(o, a.release());
        assertEquals(1, live.count());
        assertNull(a.release(), "a second release takes nothing");
        assertNull(a.get());
        assertEquals(1, live.count(), "and uncounts nothing");
        b.release();
        b.release();
        assertEquals(0, live.count(), "never negative");
    }

    @Test
    void anUntrackedHandleIsCountedNowhere() {
        LiveTokenObjects live = new LiveTokenObjects();
        LiveTokenObjects.Handle<String> h = LiveTokenObjects.untracked("x");
        assertEquals("x", h.release());
        assertNull(h.release());
        assertEquals(0, live.count());
    }
}
