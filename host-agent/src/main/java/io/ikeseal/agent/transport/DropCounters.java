package io.ikeseal.agent.transport;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.LongAdder;

import io.ikeseal.agent.wire.MalformedReason;
import io.ikeseal.agent.wire.NotifyType;

/**
 * What the transport did with datagrams that reached no SA: drops by {@link DropReason} and by
 * {@link MalformedReason}, and the unprotected answers it sent (RFC 7296 §1.5, §2.5, §2.21.4). Thread-safe and
 * cheap to update from every event loop (one {@link LongAdder} per counter); read by tests and the CLI.
 */
public final class DropCounters {
    /** The only notifications the transport sends on its own, outside any SA. */
    static final int[] ANSWER_TYPES = {
        NotifyType.INVALID_MAJOR_VERSION, NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, NotifyType.INVALID_IKE_SPI
    };

    private final Map<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);
    private final Map<MalformedReason, LongAdder> malformed = new EnumMap<>(MalformedReason.class);
    private final LongAdder[] answers = new LongAdder[ANSWER_TYPES.length];
    /** Drops inside an SA (integrity failures, fragments, unexpected message IDs, ...), by the SA layer's label. */
    private final Map<String, LongAdder> sa = new java.util.concurrent.ConcurrentHashMap<>();

    public DropCounters() {
        for (DropReason r : DropReason.values()) {
            drops.put(r, new LongAdder());
        }
        for (MalformedReason r : MalformedReason.values()) {
            malformed.put(r, new LongAdder());
        }
        for (int i = 0; i < answers.length; i++) {
            answers[i] = new LongAdder();
        }
    }

    public void count(DropReason reason) {
        drops.get(reason).increment();
    }

    public void count(MalformedReason reason) {
        malformed.get(reason).increment();
    }

    /** A message an SA did not act on, e.g. {@code integrity-icv-mismatch} or {@code unexpected-message-id}. */
    public void countSa(String label) {
        sa.computeIfAbsent(label, k -> new LongAdder()).increment();
    }

    public long getSa(String label) {
        LongAdder a = sa.get(label);
        return a == null ? 0 : a.sum();
    }

    /** One unprotected answer carrying {@code notifyType} has left. */
    void countAnswer(int notifyType) {
        answers[answerIndex(notifyType)].increment();
    }

    public long get(DropReason reason) {
        return drops.get(reason).sum();
    }

    public long get(MalformedReason reason) {
        return malformed.get(reason).sum();
    }

    /** Unprotected answers sent: INVALID_MAJOR_VERSION, UNSUPPORTED_CRITICAL_PAYLOAD or INVALID_IKE_SPI. */
    public long answers(int notifyType) {
        return answers[answerIndex(notifyType)].sum();
    }

    /** All drops, malformed ones included. */
    public long totalDrops() {
        long n = 0;
        for (LongAdder a : drops.values()) {
            n += a.sum();
        }
        for (LongAdder a : malformed.values()) {
            n += a.sum();
        }
        return n;
    }

    /** Every counter by label: {@code nat-keepalive}, {@code malformed.truncated}, {@code answered.INVALID_IKE_SPI}. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        drops.forEach((r, a) -> out.put(r.label(), a.sum()));
        malformed.forEach((r, a) -> out.put("malformed." + r.label(), a.sum()));
        for (int i = 0; i < answers.length; i++) {
            out.put("answered." + NotifyType.name(ANSWER_TYPES[i]), answers[i].sum());
        }
        new java.util.TreeMap<>(sa).forEach((k, a) -> out.put("sa." + k, a.sum()));
        return out;
    }

    static int answerIndex(int notifyType) {
        for (int i = 0; i < ANSWER_TYPES.length; i++) {
            if (ANSWER_TYPES[i] == notifyType) {
                return i;
            }
        }
        throw new IllegalArgumentException(NotifyType.name(notifyType) + " is never sent outside an SA");
    }

    /** The non-zero counters. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "DropCounters{", "}");
        snapshot().forEach((k, v) -> {
            if (v != 0) {
                j.add(k + "=" + v);
            }
        });
        return j.toString();
    }
}
