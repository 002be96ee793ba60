package io.ikeseal.agent.exchange;

import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.SaEvents;
import io.ikeseal.agent.sa.SaKeyLog;
import io.ikeseal.agent.transport.DropCounters;

/**
 * Where an IKE SA's results go: CHILD_SAs to the installer, events to their listener, dropped messages to the
 * counters, token time per SA read from the audit records, and (opt-in, for Wireshark) its message keys.
 */
public record SaOutputs(
        ChildSaInstaller installer, SaEvents events, DropCounters counters, TokenTimeMeter tokenTime, SaKeyLog keyLog) {

    /** Without a key log: what every daemon has unless {@code debug.wireshark-keys} is set. */
    public SaOutputs(ChildSaInstaller installer, SaEvents events, DropCounters counters, TokenTimeMeter tokenTime) {
        this(installer, events, counters, tokenTime, SaKeyLog.NONE);
    }
}
