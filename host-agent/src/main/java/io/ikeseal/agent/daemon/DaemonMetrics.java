package io.ikeseal.agent.daemon;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.ikeseal.agent.esp.EspDrop;
import io.ikeseal.agent.metrics.MetricSource;
import io.ikeseal.agent.metrics.MetricWriter;
import io.ikeseal.agent.metrics.SaMetrics;
import io.ikeseal.hsm.audit.SyslogMirror;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenHealth;

/**
 * Everything {@code ikeseal run} serves at {@code /metrics} (docs/operations-obs.md): the daemon's SAs, the
 * transport's counters, the tokens and the audit log. Counters are kept where things happen; this reads them when
 * scraped and names them.
 */
public final class DaemonMetrics implements MetricSource {
    /** The transport's labels of what SAs and the IKE_SA_INIT intake counted (DropCounters.countSa). */
    private static final String SA = "sa.";

    private final IkeDaemon daemon;
    private final TokenSet tokens;

    public DaemonMetrics(IkeDaemon daemon, TokenSet tokens) {
        this.daemon = daemon;
        this.tokens = tokens;
    }

    @Override
    public void writeTo(MetricWriter w) {
        Map<String, Long> transport = daemon.counters().snapshot();
        Map<String, Long> refusals = new TreeMap<>();
        Map<String, Long> dropped = new TreeMap<>();
        Map<String, Long> saDropped = new TreeMap<>();
        Map<String, Long> answers = new TreeMap<>();
        // Not drops but things sent or answered: each a family of its own.
        Map<String, Long> single =
                new LinkedHashMap<>(Map.of("cookie-sent", 0L, "retransmission-answered", 0L, "nat-keepalive-sent", 0L));
        transport.forEach((label, n) -> {
            if (label.startsWith("answered.")) {
                answers.put(label.substring("answered.".length()), n);
            } else if (!label.startsWith(SA)) {
                dropped.put(label, n);
            } else {
                String l = label.substring(SA.length());
                if (single.containsKey(l)) {
                    single.put(l, n);
                } else if (l.startsWith("refused.") || l.startsWith("refusal-rate-limited.")) {
                    refusals.merge(l.substring(l.indexOf('.') + 1), n, Long::sum);
                } else {
                    saDropped.put(l, n);
                }
            }
        });
        SaMetrics sa = daemon.saMetrics();
        sa.writeTo(w, refusals);
        w.family(
                "ikeseal_ike_sas",
                "gauge",
                "IKE SAs not closed yet, in any state (half-open, established, rekeyed"
                        + " and waiting for its Delete, deleting).");
        w.sample("ikeseal_ike_sas", daemon.gateway().liveSas());
        w.family("ikeseal_ike_sas_half_open", "gauge", "Responder IKE SAs past IKE_SA_INIT that wait for IKE_AUTH.");
        w.sample("ikeseal_ike_sas_half_open", daemon.gateway().halfOpenCount());
        w.family(
                "ikeseal_cookies_sent_total",
                "counter",
                "IKE_SA_INIT requests answered with a COOKIE (RFC 7296 §2.6).");
        w.sample("ikeseal_cookies_sent_total", single.get("cookie-sent"));
        w.family(
                "ikeseal_retransmissions_answered_total",
                "counter",
                "Retransmitted requests answered from the response cache.");
        w.sample("ikeseal_retransmissions_answered_total", single.get("retransmission-answered"));
        w.family("ikeseal_nat_keepalives_sent_total", "counter", "NAT-keepalives sent (RFC 3948 §2.3).");
        w.sample("ikeseal_nat_keepalives_sent_total", single.get("nat-keepalive-sent"));
        w.family(
                "ikeseal_datagrams_dropped_total",
                "counter",
                "Datagrams the transport handed to no SA, by reason (malformed.* by the decoder's reason).");
        dropped.forEach((r, n) -> w.sample("ikeseal_datagrams_dropped_total", n, "reason", r));
        w.family(
                "ikeseal_messages_dropped_total",
                "counter",
                "IKE messages an SA or the IKE_SA_INIT intake did not act on, by reason.");
        saDropped.forEach((r, n) -> w.sample("ikeseal_messages_dropped_total", n, "reason", r));
        w.family(
                "ikeseal_unprotected_answers_total",
                "counter",
                "Error notifications sent outside any SA (RFC 7296 §1.5), by notification.");
        answers.forEach((t, n) -> w.sample("ikeseal_unprotected_answers_total", n, "notify", t));
        daemon.dataPlaneCounters().ifPresent(c -> {
            w.family(
                    "ikeseal_esp_packets_dropped_total",
                    "counter",
                    "ESP and inner packets the data plane dropped, by reason.");
            for (EspDrop d : EspDrop.values()) {
                w.sample(
                        "ikeseal_esp_packets_dropped_total",
                        c.dropped(d),
                        "reason",
                        d.name().toLowerCase(Locale.ROOT));
            }
            w.sample("ikeseal_esp_packets_dropped_total", c.unsent(), "reason", "unsent");
            w.sample("ikeseal_esp_packets_dropped_total", c.tunWriteFailures(), "reason", "tun_write_failed");
            w.sample("ikeseal_esp_packets_dropped_total", c.internalErrors(), "reason", "internal_error");
        });
        writeTokens(w);
    }

    private void writeTokens(MetricWriter w) {
        Map<String, Token> open = new TreeMap<>(tokens.tokens());
        w.family("ikeseal_token_queue_depth", "gauge", "Operations waiting in the token's queues (not running).");
        open.forEach((name, t) -> w.sample("ikeseal_token_queue_depth", t.queueDepth(), "token", name));
        w.family(
                "ikeseal_token_live_objects",
                "gauge",
                "Handles to the token's session objects handed out and not yet destroyed (docs/tokens.md).");
        open.forEach((name, t) ->
                w.sample("ikeseal_token_live_objects", t.liveObjects().count(), "token", name));
        w.family("ikeseal_token_ready", "gauge", "1 if the token takes calls, 0 while it recovers or has failed.");
        open.forEach((name, t) ->
                w.sample("ikeseal_token_ready", t.health().state() == TokenHealth.State.READY ? 1 : 0, "token", name));
        tokens.metrics().writeTokens(w);
        tokens.metrics().writeAudit(w);
        w.family(
                "ikeseal_audit_log_broken",
                "gauge",
                "1 while the audit log cannot be written (token work is refused until it recovers).");
        w.sample("ikeseal_audit_log_broken", tokens.audit().broken() ? 1 : 0);
        tokens.mirror().ifPresent(m -> writeMirror(w, m));
    }

    private static void writeMirror(MetricWriter w, SyslogMirror m) {
        w.family("ikeseal_audit_syslog_sent_total", "counter", "Audit record copies sent to syslog (one per target).");
        w.sample("ikeseal_audit_syslog_sent_total", m.sent());
        w.family(
                "ikeseal_audit_syslog_dropped_total",
                "counter",
                "Audit record copies not sent to syslog, by reason; the audit log file has every record.");
        for (String r : SyslogMirror.dropReasons()) {
            w.sample("ikeseal_audit_syslog_dropped_total", m.dropped(r), "reason", r);
        }
    }
}
