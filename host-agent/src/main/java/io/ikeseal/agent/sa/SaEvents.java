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
}
