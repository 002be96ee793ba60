package io.ikeseal.hsm.token;

import java.lang.ref.Cleaner;

/**
 * A session object made through the {@link DirectSessions direct binding}: its PKCS#11 handle, and the token session
 * generation it belongs to. It holds no value; the token does. {@link #destroy()} queues the C_DestroyObject once,
 * and a key dropped without destroy is queued when the collector finds it, as SunPKCS11 does for its own keys.
 */
public final class DirectKey {
    private static final Cleaner CLEANER = Cleaner.create(
            Thread.ofPlatform().daemon().name("token-object-cleaner").factory());

    private final DirectSessions owner;
    private final long handle;
    private final int generation;
    private final Cleaner.Cleanable cleanable;

    DirectKey(DirectSessions owner, long handle, int generation) {
        this.owner = owner;
        this.handle = handle;
        this.generation = generation;
        this.cleanable = CLEANER.register(this, destroyer(owner, handle, generation));
    }

    /** The action must not hold the key itself, or the key would never be collected. */
    private static Runnable destroyer(DirectSessions owner, long handle, int generation) {
        return () -> owner.destroyLater(handle, generation);
    }

    /**
     * The object handle, for a call body on {@code session}; refused if the token was reopened since the key was made
     * (its handle is dead or, worse, names another object now).
     */
    public long handle(DirectSessions.DirectSession session) {
        if (session.generation() != generation) {
            throw new TokenException("token '" + owner.token().name() + "': key made before the token was reopened"
                    + " (session generation " + generation + ", now " + session.generation() + ")");
        }
        return handle;
    }

    /** The token session generation the key was made in. */
    public int generation() {
        return generation;
    }

    /** Queues the destroy of the object; later calls do nothing. */
    public void destroy() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "DirectKey[generation " + generation + "]";
    }
}
