package io.ikeseal.agent.sa;

import java.time.Instant;
import java.util.List;

/**
 * One live IKE SA as the control socket lists it ({@code ikeseal sas}): what {@link IkeSaInfo} says, where it is in
 * its life, and its CHILD_SAs with their timers and counters. Never a key.
 *
 * @param established when it was established or made by a rekey; null before
 * @param renewal     when its rekey or reauthentication is due (RFC 7296 §2.8); null when none waits
 */
public record IkeSaStatus(
        IkeSaInfo info, IkeSaState state, Instant established, Instant renewal, List<ChildSaStatus> children) {

    public IkeSaStatus {
        children = List.copyOf(children);
    }

    /**
     * One CHILD_SA of it.
     *
     * @param state   installed, rekeying, rekeyed (a successor is installed) or deleting
     * @param rekeyAt when its rekey is due, null when never
     * @param traffic what the data plane counted, {@link ChildSaTraffic#NONE} without one
     */
    public record ChildSaStatus(
            ChildSaRecord record, String state, Instant rekeyAt, Instant expireAt, ChildSaTraffic traffic) {}
}
