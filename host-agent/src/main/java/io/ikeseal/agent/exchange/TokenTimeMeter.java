package io.ikeseal.agent.exchange;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.AuditSink;

/**
 * An audit sink in front of the real one that adds up each IKE SA's token time (key exchange, key schedule,
 * signatures, PSK), keyed by the initiator SPI in the records' context. Every record still goes to the log first.
 */
public final class TokenTimeMeter implements AuditSink {
    private final AuditSink log;
    /**
     * SAs tracked at once at most: an entry goes when its SA closes ({@link #take}), but a token call that completes
     * after that would leave one behind, so the map is capped too (issue 9 item 6); past it, time is not added up.
     */
    static final int MAX_SAS = 65_536;

    private final Map<String, LongAdder> micros = new ConcurrentHashMap<>();
    /** Every token call's time, whatever its SA: what a benchmark phase cost the tokens, as a difference. */
    private final LongAdder total = new LongAdder();

    public TokenTimeMeter(AuditSink log) {
        this.log = log;
    }

    @Override
    public CompletableFuture<Void> append(AuditRecord record) {
        CompletableFuture<Void> written = log.append(record);
        if (record.token() != null) {
            total.add(record.durationMicros());
        }
        if (record.context() != null && record.context().ikeSpiI() != null && record.token() != null) {
            LongAdder a = micros.get(record.context().ikeSpiI());
            if (a == null && micros.size() < MAX_SAS) {
                a = micros.computeIfAbsent(record.context().ikeSpiI(), k -> new LongAdder());
            }
            if (a != null) {
                a.add(record.durationMicros());
            }
        }
        return written;
    }

    // Fail-closed state is the log's: a wrapper that did not pass it on would let token work run unrecorded.
    @Override
    public Optional<String> admit() {
        return log.admit();
    }

    @Override
    public boolean broken() {
        return log.broken();
    }

    /** The log's barrier: a wrapper that answered it itself would let a datagram leave before its records are durable. */
    @Override
    public CompletableFuture<Void> barrier(String ikeSpiI) {
        return log.barrier(ikeSpiI);
    }

    /** Token time so far of the IKE SA with initiator SPI {@code spiIHex}; forgets it. */
    public long take(String spiIHex) {
        LongAdder a = micros.remove(spiIHex);
        return a == null ? 0 : a.sum();
    }

    /** Token time of every recorded token call so far, in microseconds. */
    public long totalMicros() {
        return total.sum();
    }

    public long peek(String spiIHex) {
        LongAdder a = micros.get(spiIHex);
        return a == null ? 0 : a.sum();
    }

    @Override
    public void close() {
        log.close();
    }
}
