package io.ikeseal.hsm.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.ikeseal.hsm.api.AuditContext;

/**
 * An audit record as an RFC 5424 syslog message: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG}.
 * PRI is facility × 8 + severity (§6.2.1): informational for {@code ok}, notice for the log's own recovery records,
 * warning for any other result. The timestamp is the record's time in UTC with microseconds (§6.2.3), MSGID the
 * operation, and the record's fields go in one SD-ELEMENT {@value #SD_ID} (§6.3); the MSG is a short ASCII summary.
 * The record holds no key material (AuditRecord: keys are named, never carried), so neither does the message.
 * The chain's {@code seq} and {@code hash} are fixed only when the writer writes the line, so they are in the file
 * alone.
 */
public final class Rfc5424 {
    /** The SD-ID: private, under the enterprise number RFC 5612 reserves for documentation and examples. */
    public static final String SD_ID = "ikeseal@32473";

    static final int INFO = 6;
    static final int NOTICE = 5;
    static final int WARNING = 4;

    private final int facility;
    private final String hostname;
    private final String appName;
    private final String procId;

    /**
     * @param facility 0..23 (§6.2.1), e.g. 10 for authpriv, 13 for log audit
     * @param hostname this host's name (non-ASCII, spaces and over 255 characters become {@code -})
     * @param appName  e.g. {@code ikeseal}
     * @param pid      this process
     */
    public Rfc5424(int facility, String hostname, String appName, long pid) {
        if (facility < 0 || facility > 23) {
            throw new IllegalArgumentException("syslog facility " + facility + " is not 0..23");
        }
        this.facility = facility;
        this.hostname = header(hostname, 255);
        this.appName = header(appName, 48);
        this.procId = header(Long.toString(pid), 128);
    }

    public byte[] format(AuditRecord r) {
        AuditContext c = r.context() == null ? AuditContext.NONE : r.context();
        Instant time = r.time() == null ? Instant.now() : r.time();
        StringBuilder b = new StringBuilder(512);
        b.append('<').append(facility * 8 + severity(r)).append(">1 ");
        b.append(time.truncatedTo(ChronoUnit.MICROS)).append(' ');
        b.append(hostname)
                .append(' ')
                .append(appName)
                .append(' ')
                .append(procId)
                .append(' ');
        b.append(header(r.operation(), 32)).append(' ');
        b.append('[').append(SD_ID);
        param(b, "token", r.token());
        param(b, "op", r.operation());
        param(b, "mechanism", r.mechanism());
        param(b, "key", r.keyRef());
        param(b, "spiI", c.ikeSpiI());
        param(b, "spiR", c.ikeSpiR());
        param(b, "peer", c.peer());
        param(b, "result", r.result());
        param(b, "durationUs", Long.toString(r.durationMicros()));
        b.append("] ");
        b.append(ascii((r.operation() == null ? "audit" : r.operation())
                + (r.token() == null ? "" : " on token " + r.token()) + ": " + r.result()));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static int severity(AuditRecord r) {
        if ("ok".equals(r.result())) return INFO;
        if (HashChainedAuditLog.RECOVERED_OPERATION.equals(r.operation())) return NOTICE;
        return WARNING;
    }

    /** An SD-PARAM, left out when absent; {@code "}, {@code \} and {@code ]} escaped (§6.3.3). */
    private static void param(StringBuilder b, String name, String value) {
        if (value == null) return;
        b.append(' ').append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"' || ch == '\\' || ch == ']') b.append('\\');
            b.append(Character.isISOControl(ch) ? '?' : ch);
        }
        b.append('"');
    }

    /** A header field (§6.2): printable US-ASCII without spaces, at most {@code max} characters, else {@code -}. */
    static String header(String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max) return "-";
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch < 33 || ch > 126) return "-";
        }
        return value;
    }

    /** MSG without a BOM must not claim UTF-8 (§6.4): keep it printable ASCII. */
    private static String ascii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            b.append(ch >= 32 && ch <= 126 ? ch : '?');
        }
        return b.toString();
    }
}
