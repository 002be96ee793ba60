package io.ikeseal.hsm.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.ikeseal.hsm.api.Urgency;

/** The token executor's three queues with a slow fake token: HIGH work overtakes queued LOW work, IDLE work waits for both; all stay bounded. */
class TokenExecutorTest {
    private static final long WAIT_SECONDS = 10;

    @Test
    void highWorkOvertakesQueuedLowWork() throws Exception {
        TokenExecutor ex = new TokenExecutor("test", 1, 4);
        try {
            CountDownLatch slowStarted = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch allDone = new CountDownLatch(5);
            List<String> order = new CopyOnWriteArrayList<>();
            ex.execute(
                    Urgency.LOW,
                    () -> { // the slow token operation the others queue behind
                        slowStarted.countDown();
                        await(release);
                        order.add("slow");
                        allDone.countDown();
                    });
            assertTrue(slowStarted.await(WAIT_SECONDS, TimeUnit.SECONDS));
            for (String name : List.of("low1", "low2")) {
                ex.execute(Urgency.LOW, step(name, order, allDone));
            }
            for (String name : List.of("high1", "high2")) {
                ex.execute(Urgency.HIGH, step(name, order, allDone));
            }
            assertEquals(4, ex.queued());
            release.countDown();
            assertTrue(allDone.await(WAIT_SECONDS, TimeUnit.SECONDS));
            // Never pre-empted, then HIGH in arrival order, then LOW in arrival order.
            assertEquals(List.of("slow", "high1", "high2", "low1", "low2"), order);
        } finally {
            ex.shutdownAndWait();
        }
    }

    @Test
    void idleWorkWaitsForAllHighAndLowWork() throws Exception {
        TokenExecutor ex = new TokenExecutor("test", 1, 4);
        try {
            CountDownLatch slowStarted = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch allDone = new CountDownLatch(5);
            List<String> order = new CopyOnWriteArrayList<>();
            ex.execute(Urgency.IDLE, () -> {
                slowStarted.countDown();
                await(release);
                order.add("idle-running");
                allDone.countDown();
            });
            assertTrue(slowStarted.await(WAIT_SECONDS, TimeUnit.SECONDS));
            ex.execute(Urgency.IDLE, step("idle1", order, allDone));
            ex.execute(Urgency.LOW, step("low1", order, allDone));
            ex.execute(Urgency.IDLE, step("idle2", order, allDone));
            ex.execute(Urgency.HIGH, step("high1", order, allDone));
            assertEquals(4, ex.queued());
            release.countDown();
            assertTrue(allDone.await(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(List.of("idle-running", "high1", "low1", "idle1", "idle2"), order);
        } finally {
            ex.shutdownAndWait();
        }
    }

    @Test
    void eachQueueRefusesBeyondItsBoundAndAFullLowQueueNeverRefusesHighWork() throws Exception {
        TokenExecutor ex = new TokenExecutor("test", 1, 2);
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            ex.execute(Urgency.LOW, () -> {
                slowStarted.countDown();
                await(release);
            });
            assertTrue(slowStarted.await(WAIT_SECONDS, TimeUnit.SECONDS));
            ex.execute(Urgency.LOW, () -> {});
            ex.execute(Urgency.LOW, () -> {});
            assertThrows(RejectedExecutionException.class, () -> ex.execute(Urgency.LOW, () -> {}));
            ex.execute(Urgency.HIGH, () -> {});
            ex.execute(Urgency.HIGH, () -> {});
            assertThrows(RejectedExecutionException.class, () -> ex.execute(Urgency.HIGH, () -> {}));
            assertEquals(4, ex.queued());
        } finally {
            release.countDown();
            ex.shutdownAndWait();
        }
        // Shut down: queued work ran to the end, new work is refused.
        assertEquals(0, ex.queued());
        assertTrue(ex.isShutdown());
        assertThrows(RejectedExecutionException.class, () -> ex.execute(Urgency.HIGH, () -> {}));
    }

    private static Runnable step(String name, List<String> order, CountDownLatch done) {
        return () -> {
            order.add(name);
            done.countDown();
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
