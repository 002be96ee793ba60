package io.ikeseal.agent.config;

import java.net.InetSocketAddress;

/**
 * The {@code metrics} section: where the Prometheus endpoint listens (docs/operations-obs.md). Off without the
 * section. The endpoint has no authentication, so only a loopback address is accepted unless
 * {@code allow-non-loopback: true} says the operator means it (behind a firewall, or a scraper on another host).
 *
 * @param listen address and port ({@code 127.0.0.1:9109}; port 0 takes any free port)
 */
public record MetricsConfig(InetSocketAddress listen) {

    /** The section, or null when it is absent (no endpoint). */
    static MetricsConfig from(YamlModel.Metrics raw, ConfigSource src) {
        if (raw == null) {
            return null;
        }
        InetSocketAddress listen = SocketAddresses.parse(src, "metrics.listen", raw.listen(), -1);
        boolean allowed = Boolean.TRUE.equals(raw.allowNonLoopback());
        if (!listen.getAddress().isLoopbackAddress() && !allowed) {
            throw src.error(
                    "metrics.listen",
                    listen.getAddress().getHostAddress() + " is not a loopback address, and the metrics endpoint"
                            + " has no authentication; use 127.0.0.1 or ::1, or set metrics.allow-non-loopback: true"
                            + " to serve it there anyway");
        }
        return new MetricsConfig(listen);
    }
}
