package io.ikeseal.agent.sa;

/**
 * What happens to SAs, for the daemon's log lines, the CLI and tests. Called on SA executors: keep it short.
 * Nothing passed here carries a key.
 */
public interface SaEvents {
    SaEvents NONE = new SaEvents() {};

    default void ikeSaEstablished(IkeSaInfo sa) {}

    /** Before it was established: the reason names the peer's notification or our check that failed. */
    default void ikeSaFailed(IkeSaInfo sa, String reason) {}

    default void ikeSaDeleted(IkeSaInfo sa, String reason) {}

    default void childSaEstablished(IkeSaInfo ikeSa, ChildSaRecord child) {}

    default void childSaFailed(IkeSaInfo ikeSa, String child, String reason) {}

    /** The match of every {@link #childSaEstablished}: deleted by either end, or its IKE SA ended. */
    default void childSaDeleted(IkeSaInfo ikeSa, ChildSaRecord child, String reason) {}

    /** {@link #childSaDeleted} with what the SA carried, as its data plane counted it (NONE without one). */
    default void childSaDeleted(IkeSaInfo ikeSa, ChildSaRecord child, String reason, ChildSaTraffic traffic) {
        childSaDeleted(ikeSa, child, reason);
    }

    /**
     * A CHILD_SA was rekeyed (RFC 7296 §2.8): {@code now} is installed and replaces {@code old}, which is deleted
     * next (its own {@link #childSaDeleted} follows). {@code now} gets no {@link #childSaEstablished} of its own.
     */
    default void childSaRekeyed(IkeSaInfo ikeSa, ChildSaRecord old, ChildSaRecord now) {}

    /**
     * The IKE SA was rekeyed (§2.18) or reauthenticated (§2.8.3): {@code now} carries on with the CHILD_SAs and gets
     * no {@link #ikeSaEstablished} of its own; {@code old} ends with {@link #ikeSaDeleted}.
     */
    default void ikeSaRekeyed(IkeSaInfo old, IkeSaInfo now, boolean reauthenticated) {}

    /** The peer did not answer a liveness check (§1.4, §2.4); the SA is deleted next and the action follows. */
    default void livenessFailed(IkeSaInfo sa, String reason) {}
}
