package io.ikeseal.hsm.token;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How many handles to a token's session objects (g^ir, SKEYSEED, SK_d, PRF outputs, key pads, DH private values)
 * are handed out and not yet destroyed. Exact: a handle counts from its creation until its first
 * {@link Handle#release()}; releasing again changes nothing, so the count never goes negative. A handle dropped
 * without destroy stays counted, which is the leak this number exists to show (docs/tokens.md, "Live token
 * objects"). The native object itself goes later, when SunPKCS11's cleaner runs.
 */
public final class LiveTokenObjects {
    private final AtomicLong live = new AtomicLong();

    /** Handles handed out and not yet released. */
    public long count() {
        return live.get();
    }

    /** Counts {@code object} as live until its handle is released. */
    public <T> Handle<T> track(T object) {
        live.incrementAndGet();
        return new Handle<>(this, object);
    }

    /** A handle that belongs to no token (host-side tests): counted nowhere. */
    public static <T> Handle<T> untracked(T object) {
        return new Handle<>(null, object);
    }

    /** One counted handle: {@link #release()} takes the object out exactly once. */
    public static final class Handle<T> {
        private final LiveTokenObjects owner;
        private final AtomicReference<T> object;

        private Handle(LiveTokenObjects owner, T object) {
            this.owner = owner;
            this.object = new AtomicReference<>(object);
        }

        /** The object, or null once released. */
        public T get() {
            return object.get();
        }

        /** Takes the object out and uncounts it; null (and no change) if it was released before. */
        public T release() {
            T o = object.getAndSet(null);
            if (o != null && owner != null) {
                owner.live.decrementAndGet();
            }
            return o;
        }
    }
}
