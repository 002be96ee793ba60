package io.ikeseal.agent.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code audit.syslog}: a copy of every audit record as an RFC 5424 message to a collector over UDP and/or to the
 * local syslog socket (docs/operations-obs.md). The hash-chained file stays the record; the copies are best effort.
 *
 * @param udp      a collector (default port 514), or null
 * @param socket   a local Unix datagram socket such as {@code /dev/log}, or null
 * @param facility 0..23 (RFC 5424 §6.2.1), {@code authpriv} (10) by default
 */
public record SyslogConfig(InetSocketAddress udp, Path socket, int facility) {
    /** RFC 5424 §6.2.1's facilities 0..23 by the names syslog daemons use. */
    static final List<String> FACILITIES = List.of(
            "kern",
            "user",
            "mail",
            "daemon",
            "auth",
            "syslog",
            "lpr",
            "news",
            "uucp",
            "cron",
            "authpriv",
            "ftp",
            "ntp",
            "audit",
            "alert",
            "clock",
            "local0",
            "local1",
            "local2",
            "local3",
            "local4",
            "local5",
            "local6",
            "local7");

    static SyslogConfig from(YamlModel.Syslog raw, ConfigSource src) {
        if (raw == null) {
            return null;
        }
        InetSocketAddress udp =
                raw.udp() == null ? null : SocketAddresses.parse(src, "audit.syslog.udp", raw.udp(), 514);
        Path socket = raw.socket() == null ? null : Path.of(src.requireText("audit.syslog.socket", raw.socket()));
        if (udp == null && socket == null) {
            throw src.error("audit.syslog", "names no target: give udp: ADDRESS[:PORT] and/or socket: /dev/log");
        }
        if (socket != null && !socket.isAbsolute()) {
            throw src.error("audit.syslog.socket", "must be an absolute path, e.g. /dev/log");
        }
        int facility = FACILITIES.indexOf("authpriv");
        if (raw.facility() != null) {
            facility = FACILITIES.indexOf(raw.facility().trim().toLowerCase(Locale.ROOT));
            if (facility < 0) {
                throw src.error(
                        "audit.syslog.facility",
                        "'" + raw.facility() + "': expected one of " + String.join(", ", FACILITIES));
            }
        }
        return new SyslogConfig(udp, socket, facility);
    }
}
