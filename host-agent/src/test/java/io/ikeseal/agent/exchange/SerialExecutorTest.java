package io.ikeseal.agent.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;

/** An SA's serial executor holds at most its limit of waiting datagrams; its own work is always queued. */
class SerialExecutorTest {
    /** A pool whose thread is busy until the test runs what it was given. */
    private static final class HeldPool implements Executor {
        final Queue<Runnable> given = new ArrayDeque<>();

        @Override
        public void execute(Runnable r) {
            given.add(r);
        }

        void runAll() {
            for (int i = 0; i < 100 && !given.isEmpty(); i++) {
                given.poll().run();
            }
        }
    }

    @Test
    void datagramsBeyondTheLimitAreRefusedWhileTheSasOwnWorkIsQueued() {
        HeldPool pool = new HeldPool();
        SerialExecutor exec = new SerialExecutor(pool, 3);
        List<String> ran = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "datagram" + i;
            assertTrue(exec.offer(() -> ran.add(name)));
        }
        assertFalse(exec.offer(() -> ran.add("datagram3")), "a 4th waiting datagram is refused");
        exec.execute(() -> ran.add("continuation")); // a token result must never be lost
        assertEquals(4, exec.waiting());
        assertFalse(exec.offer(() -> ran.add("datagram4")));

        pool.runAll();
        assertEquals(List.of("datagram0", "datagram1", "datagram2", "continuation"), ran);
        assertEquals(0, exec.waiting());
        assertTrue(exec.offer(() -> ran.add("datagram5")), "room again once the queue drained");
        pool.runAll();
        assertEquals("datagram5", ran.getLast());
    }

    @Test
    void theDefaultLimitIsTheSasDatagramBound() {
        HeldPool pool = new HeldPool();
        SerialExecutor exec = new SerialExecutor(pool);
        int accepted = 0;
        for (int i = 0; i < SerialExecutor.SA_DATAGRAMS + 10; i++) {
            if (exec.offer(() -> {})) {
                accepted++;
            }
        }
        assertEquals(SerialExecutor.SA_DATAGRAMS, accepted);
        pool.runAll();
        assertEquals(0, exec.waiting());
    }
}
