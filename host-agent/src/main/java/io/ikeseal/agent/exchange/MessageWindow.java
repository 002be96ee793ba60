package io.ikeseal.agent.exchange;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.wire.ExchangeType;

/**
 * Our requests in flight (RFC 7296 §2.1-§2.3): their message IDs, counted from 0, at most {@link #size()} of them
 * at once (1 unless the peer announced more with SET_WINDOW_SIZE), each retransmitted with exponential backoff
 * until a bounded give-up. Runs on the SA's executor; timers come back to it.
 */
final class MessageWindow {
    private static final Logger LOG = LoggerFactory.getLogger(MessageWindow.class);
    /** The most requests we keep in flight whatever window the peer offers. */
    static final int MAX_SIZE = 16;

    /** One request in flight. */
    static final class Outstanding {
        final long id;
        final int exchange;
        final List<byte[]> datagrams;
        final InitiatorTask task;
        private Scheduler.Timer timer;

        Outstanding(long id, int exchange, List<byte[]> datagrams, InitiatorTask task) {
            this.id = id;
            this.exchange = exchange;
            this.datagrams = List.copyOf(datagrams);
            this.task = task;
        }
    }

    private final Supplier<String> name;
    private final Executor exec;
    private final Scheduler scheduler;
    private final ExchangeSettings settings;
    private final Consumer<List<byte[]>> transmit;
    private final BiConsumer<Outstanding, Integer> giveUp;
    private final Map<Long, Outstanding> inFlight = new LinkedHashMap<>(2); // the window, usually 1
    private long nextId;
    private int size = 1;

    /**
     * @param name     the SA's name, for logs
     * @param transmit sends datagrams to the peer's current address
     * @param giveUp   called with a request and its retransmission count when the last one went unanswered
     */
    MessageWindow(
            Supplier<String> name,
            Executor exec,
            Scheduler scheduler,
            ExchangeSettings settings,
            Consumer<List<byte[]>> transmit,
            BiConsumer<Outstanding, Integer> giveUp) {
        this.name = name;
        this.exec = exec;
        this.scheduler = scheduler;
        this.settings = settings;
        this.transmit = transmit;
        this.giveUp = giveUp;
    }

    int size() {
        return size;
    }

    /** §2.3: the peer's SET_WINDOW_SIZE; it can only grow, and we cap it. */
    void peerWindow(long announced) {
        if (announced > size) {
            size = (int) Math.min(announced, MAX_SIZE);
        }
    }

    /** The next message ID for a request; 0 for IKE_SA_INIT. */
    long takeId() {
        return nextId++;
    }

    /** Sends a request and keeps retransmitting it until {@link #answered} or give-up; replaces one of the same ID. */
    void send(long id, ExchangeType type, List<byte[]> datagrams, InitiatorTask task) {
        Outstanding previous = inFlight.remove(id);
        if (previous != null) {
            Scheduler.cancel(previous.timer);
        }
        Outstanding o = new Outstanding(id, type.code(), datagrams, task);
        inFlight.put(id, o);
        nextId = Math.max(nextId, id + 1);
        transmit.accept(o.datagrams);
        schedule(o, 0);
    }

    /** The request a response with this message ID and exchange type answers, or null. */
    Outstanding match(long id, int exchange) {
        Outstanding o = inFlight.get(id);
        return o != null && o.exchange == exchange ? o : null;
    }

    boolean isInFlight(Outstanding o) {
        return inFlight.get(o.id) == o;
    }

    boolean holds(InitiatorTask task) {
        return inFlight.values().stream().anyMatch(o -> o.task == task);
    }

    void answered(Outstanding o) {
        Scheduler.cancel(o.timer);
        inFlight.remove(o.id, o);
    }

    /** Forgets every request (the SA closed). */
    void clear() {
        inFlight.values().forEach(o -> Scheduler.cancel(o.timer));
        inFlight.clear();
    }

    private void schedule(Outstanding o, int n) {
        o.timer = scheduler.schedule(settings.retransmitDelay(n), () -> exec.execute(() -> retransmit(o, n)));
    }

    private void retransmit(Outstanding o, int n) {
        if (!isInFlight(o)) {
            return;
        }
        if (n >= settings.retransmitTries()) {
            inFlight.remove(o.id, o);
            giveUp.accept(o, n);
            return;
        }
        LOG.debug("{}: retransmitting {} #{} ({})", name.get(), ExchangeType.name(o.exchange), o.id, n + 1);
        transmit.accept(o.datagrams);
        schedule(o, n + 1);
    }
}
