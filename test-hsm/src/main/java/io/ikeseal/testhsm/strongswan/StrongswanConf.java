package io.ikeseal.testhsm.strongswan;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Renders the strongswan.conf of one {@link Charon}. The section must be named after the binary
 * ({@code charon-systemd}); charon ignores a {@code charon { }} section.
 */
final class StrongswanConf {
    static final String LOG_FILE = "charon.log";

    private StrongswanConf() {}

    static String render(CharonOptions o, int ikePort, int natTPort, String viciUri, Path logFile) {
        String retransmitTimeout =
                String.format(Locale.ROOT, "%.3f", o.retransmitTimeout().toMillis() / 1000.0);
        String retransmitBase = String.format(Locale.ROOT, "%.3f", o.retransmitBase());
        int level = o.keyLogLevel();
        return """
                # written by io.ikeseal.testhsm.strongswan.Charon
                charon-systemd {
                  port = %d
                  port_nat_t = %d
                  load_modular = no
                  load = %s
                  threads = %d
                %s
                  # many handshakes from 127.0.0.1 must not trigger cookies or drops
                  cookie_threshold = %d
                  cookie_threshold_ip = %d
                  block_threshold = 1000000
                  init_limit_half_open = 0
                  retransmit_timeout = %s
                  retransmit_base = %s
                  retransmit_tries = %d
                  retransmit_jitter = 0
                  plugins {
                    vici {
                      socket = %s
                    }
                    kernel-libipsec {
                      allow_peer_ts = yes
                    }
                    socket-default {
                      use_ipv6 = no
                    }
                    revocation {
                      enable_ocsp = no
                      enable_crl = no
                    }
                  }
                  journal {
                    default = -1
                  }
                  filelog {
                    charon-log {
                      path = %s
                      append = no
                      flush_line = yes
                      ike_name = yes
                      time_format = %%T
                      time_add_ms = yes
                      default = 1
                      # ike/chd 4: derived IKE and CHILD_SA keys as hex dumps; mgr 2: SPIs per IKE_SA
                      ike = %d
                      chd = %d
                      mgr = 2
                      cfg = 2
                    }
                  }
                %s}
                """.formatted(
                        ikePort,
                        natTPort,
                        String.join(" ", o.plugins()),
                        o.threads(),
                        placement(o).stripTrailing(),
                        o.cookieThreshold(),
                        o.cookieThreshold(),
                        retransmitTimeout,
                        retransmitBase,
                        o.retransmitTries(),
                        ConfSection.quote(viciUri),
                        ConfSection.quote(logFile.toString()),
                        level,
                        level,
                        indent(o.extraSettings()));
    }

    /** Loopback: nothing installed on the host. In a namespace: routes to the remote selectors via ipsec0. */
    private static String placement(CharonOptions o) {
        if (o.namespace().isPresent()) {
            return """
                      # inside its own network namespace: kernel-libipsec's TUN ipsec0 carries the traffic, with
                      # routes to the remote traffic selectors (table 220 and its rule); no virtual IPs
                      install_routes = yes
                      install_virtual_ip = no
                    """;
        }
        return """
                  # loopback only: no MOBIKE addresses from other interfaces, no routes, no IPv6 socket
                  interfaces_use = lo
                  routing_table = 0
                  install_routes = no
                  install_virtual_ip = no
                """;
    }

    private static String indent(String settings) {
        StringBuilder b = new StringBuilder();
        settings.lines().forEach(l -> b.append("  ").append(l).append('\n'));
        return b.toString();
    }
}
