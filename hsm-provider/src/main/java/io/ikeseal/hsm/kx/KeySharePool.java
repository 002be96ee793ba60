package io.ikeseal.hsm.kx;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Urgency;
import io.ikeseal.hsm.token.LiveTokenObjects;
import io.ikeseal.hsm.token.Token;

/**
 * Key pairs generated in the token ahead of need, up to {@code perGroup} for each DH group asked for, so a handshake
 * takes one instead of waiting for a key generation (docs/tokens.md, "Key share pool"). Each pair is as fresh and as
 * single-use as one generated inline: {@link #take} hands it out once and forgets it. Refilling is one generation at
 * a time per group, queued as {@link Urgency#IDLE} so it runs only on a token thread no handshake is waiting for; it
 * is audited as a "dh-keygen" record without an SA, its key named {@code pool:dh-GROUP}. Pooled pairs count in
 * {@link #pooled()}, not in the token's live objects, until handed out. A pair made before the token was reopened
 * (TokenHealth) is dead and dropped; {@link #close} destroys every pooled handle.
 */
public final class KeySharePool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeySharePool.class);
    private static final AuditContext REFILL = new AuditContext(null, null, null, Urgency.IDLE);

    private final KeyExchange kx;
    private final Token token;
    private final int perGroup;
    private final LiveTokenObjects pooled = new LiveTokenObjects();
    private final Map<DhGroup, Shelf> shelves = new EnumMap<>(DhGroup.class);
    private boolean closed;

    /** One group's pairs, oldest first, and whether a generation for it is in flight. */
    private static final class Shelf {
        final ArrayDeque<DhKeyPair> pairs = new ArrayDeque<>();
        boolean refilling;
    }

    /** @param perGroup pairs kept per group; 0 keeps none (every share is generated inline) */
    public KeySharePool(KeyExchange kx, int perGroup) {
        if (perGroup < 0) {
            throw new IllegalArgumentException("key share pool size must be >= 0, was " + perGroup);
        }
        this.kx = Objects.requireNonNull(kx, "kx");
        this.token = kx.token();
        this.perGroup = perGroup;
    }

    /** Pairs kept per group (0: off). */
    public int perGroup() {
        return perGroup;
    }

    /** Starts filling the pool for {@code groups} (those the token cannot do are left out). */
    public synchronized void fill(Collection<DhGroup> groups) {
        for (DhGroup g : groups) {
            if (perGroup > 0 && !closed && token.capabilities().dhGroups().contains(g)) {
                refill(g, shelf(g));
            }
        }
    }

    /**
     * A pooled pair of {@code group}, now counted among the token's live objects and never handed out again; empty
     * when the pool has none (the caller generates one inline). Either way a refill for the group is started.
     */
    public synchronized Optional<DhKeyPair> take(DhGroup group) {
        if (perGroup == 0 || closed || !token.capabilities().dhGroups().contains(group)) {
            return Optional.empty();
        }
        Shelf s = shelf(group);
        DhKeyPair out = null;
        while (out == null && !s.pairs.isEmpty()) {
            DhKeyPair p = s.pairs.poll();
            if (p.generation() == token.health().generation()) {
                out = p.handOut();
            } else {
                p.destroy(); // made in a token session that a recovery replaced: its handle is dead
            }
        }
        refill(group, s);
        return Optional.ofNullable(out);
    }

    /** Pooled pairs not yet handed out (token objects, but held by no SA). */
    public long pooled() {
        return pooled.count();
    }

    /** Destroys every pooled pair and stops refilling; a refill in flight destroys its pair when it lands. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Shelf s : shelves.values()) {
            s.pairs.forEach(DhKeyPair::destroy);
            s.pairs.clear();
        }
    }

    private Shelf shelf(DhGroup group) {
        return shelves.computeIfAbsent(group, g -> new Shelf());
    }

    /** Starts one generation for {@code group} unless one is in flight or the shelf is full (the lock is held). */
    private void refill(DhGroup group, Shelf s) {
        if (closed || s.refilling || s.pairs.size() >= perGroup) {
            return;
        }
        s.refilling = true;
        try {
            // Completed later by landed(); its outcome is handled there, so the future itself is not kept.
            var _ = kx.generate(group, REFILL, "pool:dh-" + group.proposalName(), pooled)
                    .whenComplete((p, e) -> landed(group, s, p, e));
        } catch (RuntimeException e) {
            s.refilling = false;
            LOG.debug(
                    "key share pool: cannot refill {}: {}",
                    group.proposalName(),
                    e.getClass().getSimpleName());
        }
    }

    /**
     * A refill's result. A failure (token recovering, audit log refusing, queue full) stops refilling this group
     * until the next {@link #take}, so a broken token is never asked in a loop.
     */
    private synchronized void landed(DhGroup group, Shelf s, DhKeyPair p, Throwable e) {
        s.refilling = false;
        if (e != null) {
            LOG.debug(
                    "key share pool: refill of {} failed: {}",
                    group.proposalName(),
                    e.getClass().getSimpleName());
            return;
        }
        if (closed || p.generation() != token.health().generation()) {
            p.destroy();
            return;
        }
        s.pairs.add(p);
        refill(group, s);
    }

    @Override
    public synchronized String toString() {
        return "KeySharePool[" + token.name() + ", " + perGroup + " per group, " + pooled.count() + " pooled"
                + (closed ? ", closed" : "") + "]";
    }
}
