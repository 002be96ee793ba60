package io.ikeseal.agent.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP address literals in the configuration. Names are never resolved: a gateway's policy must not hang on DNS. */
final class Addresses {
    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private Addresses() {}

    static InetAddress literal(ConfigSource src, String at, String text) {
        String t = src.requireText(at, text).trim();
        if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) {
            throw src.error(at, "'" + t + "' is not an IP address literal (host names are not resolved)");
        }
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            throw src.error(at, "'" + t + "' is not an IP address literal");
        }
    }
}
