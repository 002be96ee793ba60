package io.ikeseal.agent.exchange;

import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.SaEvents;
import io.ikeseal.agent.transport.DropCounters;

/**
 * Where an IKE SA's results go: CHILD_SAs to the installer, events to their listener, dropped messages to the
 * counters, and token time per SA read from the audit records.
 */
public record SaOutputs(ChildSaInstaller installer, SaEvents events, DropCounters counters, TokenTimeMeter tokenTime) {}
