package io.ikeseal.agent.control;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for an exchange's outcome on behalf of a request: bounded, its failure an answer rather than a trace. */
final class Outcomes {
    private Outcomes() {}

    static <T> T await(CompletableFuture<T> f, Duration timeout, String what) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof ControlException c) {
                throw c;
            }
            throw new ControlException(ControlException.FAILED, what + ": " + message(cause));
        } catch (TimeoutException e) {
            throw new ControlException(
                    ControlException.FAILED, what + ": no outcome within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ControlException.FAILED, what + ": interrupted");
        }
    }

    /** A failure as one line: its message, or its type when it has none. */
    static String message(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName() + (t.getCause() != null ? ": " + message(t.getCause()) : "");
        }
        return m.replace('\n', ' ');
    }
}
