package io.ikeseal.agent.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** {@code address:port} in the configuration: an IP literal ({@code [::1]:9109} for IPv6) and a port; never a name. */
final class SocketAddresses {
    private SocketAddresses() {}

    /** {@code text} as address and port; without {@code :port}, {@code defaultPort} (or an error if it is -1). */
    static InetSocketAddress parse(ConfigSource src, String at, String text, int defaultPort) {
        String t = src.requireText(at, text).trim();
        String host;
        String port = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) throw src.error(at, "'" + t + "': missing ] after the IPv6 address");
            host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) throw src.error(at, "'" + t + "': expected :PORT after ]");
                port = rest.substring(1);
            }
        } else if (t.indexOf(':') == t.lastIndexOf(':') && t.indexOf(':') >= 0) {
            host = t.substring(0, t.indexOf(':'));
            port = t.substring(t.indexOf(':') + 1);
        } else {
            host = t; // IPv4 without a port, or a bare IPv6 literal
        }
        InetAddress a = Addresses.literal(src, at, host);
        int p;
        if (port == null) {
            if (defaultPort < 0) throw src.error(at, "'" + t + "': needs a port (ADDRESS:PORT, [IPv6]:PORT)");
            p = defaultPort;
        } else {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 0 || p > 65535) throw src.error(at, "'" + t + "': port must be 0..65535");
        }
        return new InetSocketAddress(a, p);
    }
}
