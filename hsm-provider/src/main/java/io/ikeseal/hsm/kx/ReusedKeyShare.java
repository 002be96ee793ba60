package io.ikeseal.hsm.kx;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.KeyShare;
import io.ikeseal.hsm.token.DirectKey;
import io.ikeseal.hsm.token.LiveTokenObjects;
import io.ikeseal.hsm.token.Token;

/**
 * A responder's DH key pair used for the IKE_SA_INIT of several SAs within a short time, as RFC 7296 §2.12 allows
 * ("reuse ... for a short time"), bounded in time and in uses (docs/tokens.md, "Reusing a responder's key share").
 * Each SA gets a {@link Lease}; the private key stays one token object, counted once, until the reuse is over (time
 * or uses spent, or {@link #retire}) and no lease is in use any more, and is then destroyed.
 */
public final class ReusedKeyShare {
    private final Token token;
    private final DhGroup group;
    private final byte[] keyExchangeData;
    private final LiveTokenObjects.Handle<DirectKey> key;
    private final long expiresAt;
    private int usesLeft;
    private int leased;

    /** Takes over {@code pair} (single use as a pair: its handle is released here) for {@code uses} SAs. */
    public ReusedKeyShare(DhKeyPair pair, Duration reuseFor, int uses) {
        if (uses < 1 || reuseFor.isNegative() || reuseFor.isZero()) {
            pair.destroy();
            throw new IllegalArgumentException("reuse needs a time and at least one use");
        }
        this.token = pair.token();
        this.group = pair.group();
        this.keyExchangeData = pair.keyExchangeData();
        this.key = token.liveObjects().track(pair.take());
        this.expiresAt = System.nanoTime() + reuseFor.toNanos();
        this.usesLeft = uses;
        // Ends the reuse on time even when no further request comes to notice it.
        CompletableFuture.delayedExecutor(reuseFor.toMillis() + 1, TimeUnit.MILLISECONDS)
                .execute(this::retire);
    }

    public DhGroup group() {
        return group;
    }

    /** A lease for one more SA, or empty once the time or the uses are spent. */
    public synchronized Optional<Lease> lease() {
        if (key.get() == null || usesLeft == 0 || System.nanoTime() - expiresAt >= 0) {
            retire();
            return Optional.empty();
        }
        usesLeft--;
        leased++;
        return Optional.of(new Lease(this));
    }

    /** Ends the reuse: no more leases; the key goes once the leases in use are done. */
    public synchronized void retire() {
        usesLeft = 0;
        DirectKey k = leased == 0 ? key.release() : null;
        if (k != null) {
            k.destroy();
        }
    }

    /** Whether the private key has been destroyed. */
    public synchronized boolean isDestroyed() {
        return key.get() == null;
    }

    private synchronized void returned() {
        leased--;
        if (usesLeft == 0 || System.nanoTime() - expiresAt >= 0) {
            retire();
        }
    }

    /** One SA's use of a reused key share: agreed once, then done; destroying it returns the lease. */
    public static final class Lease implements KeyShare {
        private final ReusedKeyShare owner;
        private boolean done;

        private Lease(ReusedKeyShare owner) {
            this.owner = owner;
        }

        @Override
        public DhGroup group() {
            return owner.group;
        }

        @Override
        public byte[] keyExchangeData() {
            return owner.keyExchangeData.clone();
        }

        /** The token's private key, while this lease is in use (null after). */
        synchronized DirectKey key() {
            return done ? null : owner.key.get();
        }

        Token token() {
            return owner.token;
        }

        @Override
        public synchronized void destroy() {
            if (!done) {
                done = true;
                owner.returned();
            }
        }

        @Override
        public synchronized boolean isDestroyed() {
            return done;
        }

        @Override
        public String toString() {
            return "ReusedKeyShare.Lease[" + owner.group.proposalName() + ", token " + owner.token.name()
                    + (isDestroyed() ? ", returned" : "") + "]";
        }
    }
}
