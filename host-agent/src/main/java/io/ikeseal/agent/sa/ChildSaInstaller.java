package io.ikeseal.agent.sa;

/**
 * Where CHILD_SAs go: an IPsec stack (XFRM, a userspace data plane) in production. Keys are only lent: they are
 * destroyed as soon as {@link #install} returns. Called on an SA's executor; implementations must not block long.
 */
public interface ChildSaInstaller {

    /** Installs the SA; an exception fails the CHILD_SA (the IKE SA stays, and the peer is told with a Delete). */
    void install(ChildSaRecord sa, ChildSaKeys keys);

    /** Removes an installed SA (deleted, expired, or its IKE SA went away). */
    void remove(ChildSaRecord sa);

    /** The SA's counters (by its SPIs); {@link ChildSaTraffic#NONE} when this installer carries no traffic. */
    default ChildSaTraffic traffic(ChildSaRecord sa) {
        return ChildSaTraffic.NONE;
    }
}
