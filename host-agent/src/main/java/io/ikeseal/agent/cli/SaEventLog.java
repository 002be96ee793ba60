package io.ikeseal.agent.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.SaEvents;

/**
 * {@code ikeseal run}'s output: one line per SA event, prefixed with the time (UTC). Lines are built from
 * {@link IkeSaInfo} and {@link ChildSaRecord}, which hold SPIs, addresses, IDs and algorithms but never a key.
 * Events arrive on SA executors, so lines are written whole under a lock and flushed at once.
 */
final class SaEventLog implements SaEvents {
    private final PrintWriter out;
    private final Clock clock;

    SaEventLog(PrintWriter out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    @Override
    public void ikeSaEstablished(IkeSaInfo sa) {
        line("IKE_SA established: " + sa.describe() + "; " + SaLines.details(sa));
    }

    @Override
    public void ikeSaFailed(IkeSaInfo sa, String reason) {
        line("IKE_SA failed: " + SaLines.brief(sa) + ": " + reason);
    }

    @Override
    public void ikeSaDeleted(IkeSaInfo sa, String reason) {
        line("IKE_SA deleted: " + SaLines.brief(sa) + ": " + reason);
    }

    @Override
    public void childSaEstablished(IkeSaInfo ikeSa, ChildSaRecord child) {
        line("CHILD_SA established: " + child.describe() + ", lifetime "
                + child.lifetime().toSeconds() + " s");
    }

    @Override
    public void childSaRekeyed(IkeSaInfo ikeSa, ChildSaRecord old, ChildSaRecord now) {
        line(String.format(
                "CHILD_SA rekeyed: %s{%s} SPIs %08x_i %08x_o -> %08x_i %08x_o; %s",
                now.connection(),
                now.name(),
                old.inboundSpi(),
                old.outboundSpi(),
                now.inboundSpi(),
                now.outboundSpi(),
                now.describe()));
    }

    @Override
    public void ikeSaRekeyed(IkeSaInfo old, IkeSaInfo now, boolean reauthenticated) {
        line("IKE_SA " + (reauthenticated ? "reauthenticated" : "rekeyed") + ": " + SaLines.brief(old) + " -> "
                + now.describe() + "; " + SaLines.details(now));
    }

    @Override
    public void livenessFailed(IkeSaInfo sa, String reason) {
        line("IKE_SA dead peer: " + SaLines.brief(sa) + ": " + reason);
    }

    @Override
    public void childSaFailed(IkeSaInfo ikeSa, String child, String reason) {
        line("CHILD_SA failed: " + (ikeSa.connection() == null ? "(unnamed)" : ikeSa.connection()) + "{" + child
                + "} of " + SaLines.brief(ikeSa) + ": " + reason);
    }

    @Override
    public void childSaDeleted(IkeSaInfo ikeSa, ChildSaRecord child, String reason) {
        childSaDeleted(ikeSa, child, reason, ChildSaTraffic.NONE);
    }

    @Override
    public void childSaDeleted(IkeSaInfo ikeSa, ChildSaRecord child, String reason, ChildSaTraffic traffic) {
        line("CHILD_SA deleted: " + child.describe() + ": " + reason
                + (traffic.equals(ChildSaTraffic.NONE) ? "" : "; carried " + traffic.describe()));
    }

    /** A line of the daemon's own (start, stop, an initiation that could not begin). */
    void line(String text) {
        String stamped = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS) + " " + text;
        synchronized (out) {
            out.println(stamped);
            out.flush();
        }
    }
}
