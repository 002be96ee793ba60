package io.ikeseal.agent.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import io.ikeseal.agent.config.LogFormat;
import io.ikeseal.agent.logging.JsonLine;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.SaEvents;

/**
 * {@code ikeseal run}'s output: one line per SA event, prefixed with the time (UTC). Lines are built from
 * {@link IkeSaInfo} and {@link ChildSaRecord}, which hold SPIs, addresses, IDs and algorithms but never a key.
 * Events arrive on SA executors, so lines are written whole under a lock and flushed at once.
 *
 * <p>With {@link LogFormat#JSON} each line is a JSON object instead (docs/operations-obs.md): {@code time},
 * {@code level} (INFO), {@code logger} ({@value #LOGGER}), {@code event} (e.g. {@code ike-sa-established},
 * {@code daemon} for the daemon's own lines), {@code message} (the text line without its time), and for SA events
 * {@code connection}, {@code spiI} and {@code spiR} (16 hex digits, as in the audit log).
 */
final class SaEventLog implements SaEvents {
    static final String LOGGER = "ikeseal.events";
    private static final HexFormat HEX = HexFormat.of();

    private final PrintWriter out;
    private final Clock clock;
    private final LogFormat format;

    SaEventLog(PrintWriter out, Clock clock) {
        this(out, clock, LogFormat.TEXT);
    }

    SaEventLog(PrintWriter out, Clock clock, LogFormat format) {
        this.out = out;
        this.clock = clock;
        this.format = format;
    }

    @Override
    public void ikeSaEstablished(IkeSaInfo sa) {
        event("ike-sa-established", sa, "IKE_SA established: " + sa.describe() + "; " + SaLines.details(sa));
    }

    @Override
    public void ikeSaFailed(IkeSaInfo sa, String reason) {
        event("ike-sa-failed", sa, "IKE_SA failed: " + SaLines.brief(sa) + ": " + reason);
    }

    @Override
    public void ikeSaDeleted(IkeSaInfo sa, String reason) {
        event("ike-sa-deleted", sa, "IKE_SA deleted: " + SaLines.brief(sa) + ": " + reason);
    }

    @Override
    public void childSaEstablished(IkeSaInfo ikeSa, ChildSaRecord child) {
        event(
                "child-sa-established",
                ikeSa,
                "CHILD_SA established: " + child.describe() + ", lifetime "
                        + child.lifetime().toSeconds() + " s");
    }

    @Override
    public void childSaRekeyed(IkeSaInfo ikeSa, ChildSaRecord old, ChildSaRecord now) {
        event(
                "child-sa-rekeyed",
                ikeSa,
                String.format(
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
        event(
                reauthenticated ? "ike-sa-reauthenticated" : "ike-sa-rekeyed",
                now,
                "IKE_SA " + (reauthenticated ? "reauthenticated" : "rekeyed") + ": " + SaLines.brief(old) + " -> "
                        + now.describe() + "; " + SaLines.details(now));
    }

    @Override
    public void livenessFailed(IkeSaInfo sa, String reason) {
        event("ike-sa-dead-peer", sa, "IKE_SA dead peer: " + SaLines.brief(sa) + ": " + reason);
    }

    @Override
    public void childSaFailed(IkeSaInfo ikeSa, String child, String reason) {
        event(
                "child-sa-failed",
                ikeSa,
                "CHILD_SA failed: " + (ikeSa.connection() == null ? "(unnamed)" : ikeSa.connection()) + "{" + child
                        + "} of " + SaLines.brief(ikeSa) + ": " + reason);
    }

    @Override
    public void childSaDeleted(IkeSaInfo ikeSa, ChildSaRecord child, String reason) {
        childSaDeleted(ikeSa, child, reason, ChildSaTraffic.NONE);
    }

    @Override
    public void childSaDeleted(IkeSaInfo ikeSa, ChildSaRecord child, String reason, ChildSaTraffic traffic) {
        event(
                "child-sa-deleted",
                ikeSa,
                "CHILD_SA deleted: " + child.describe() + ": " + reason
                        + (traffic.equals(ChildSaTraffic.NONE) ? "" : "; carried " + traffic.describe()));
    }

    /** A line of the daemon's own (start, stop, an initiation that could not begin). */
    void line(String text) {
        event("daemon", null, text);
    }

    private void event(String event, IkeSaInfo sa, String text) {
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
        String stamped;
        if (format == LogFormat.JSON) {
            Map<String, String> f = new LinkedHashMap<>();
            f.put("time", now.toString());
            f.put("level", "INFO");
            f.put("logger", LOGGER);
            f.put("event", event);
            f.put("message", text);
            if (sa != null) {
                f.put("connection", sa.connection());
                f.put("spiI", HEX.toHexDigits(sa.spiI()));
                f.put("spiR", HEX.toHexDigits(sa.spiR()));
            }
            stamped = JsonLine.of(f);
        } else {
            stamped = now + " " + text;
        }
        synchronized (out) {
            out.println(stamped);
            out.flush();
        }
    }
}
