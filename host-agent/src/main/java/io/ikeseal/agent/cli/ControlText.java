package io.ikeseal.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The control verbs' answers as text for people (docs/operations-ctl.md has the JSON they come from). Built from
 * what the daemon sent, which holds no key.
 */
final class ControlText {
    private ControlText() {}

    /** {@code ikeseal sas}: one block per IKE SA, its CHILD_SAs indented. */
    static void sas(JsonNode result, PrintWriter out) {
        JsonNode list = result.path("ike-sas");
        if (list.isEmpty()) {
            out.println("no IKE SAs");
        }
        for (JsonNode sa : list) {
            ikeSa(sa, out);
            for (JsonNode c : sa.path("child-sas")) {
                childSa(sa.path("connection").asText(), c, out);
            }
        }
        if (result.has("data-plane-drops")) {
            out.println("data plane drops: " + result.path("data-plane-drops").asText());
        }
    }

    static void ikeSa(JsonNode sa, PrintWriter out) {
        out.println(String.format(
                "%s[%s_i %s_r] %s, %s, %s %s <-> %s %s",
                name(sa.path("connection")),
                sa.path("spi-i").asText(),
                sa.path("spi-r").asText(),
                sa.path("state").asText("?"),
                sa.path("role").asText(),
                sa.path("local").asText(),
                text(sa.path("local-id")),
                sa.path("remote").asText(),
                text(sa.path("remote-id"))));
        List<String> parts = new ArrayList<>();
        parts.add(text(sa.path("suite")));
        parts.add("tier " + text(sa.path("tier")));
        if (sa.has("age-seconds")) {
            parts.add("established " + sa.path("age-seconds").asLong() + " s ago");
        }
        if (sa.has("rekey-in-seconds")) {
            parts.add("rekey in " + sa.path("rekey-in-seconds").asLong() + " s");
        }
        if (sa.path("nat-detected").asBoolean()) {
            parts.add("NAT detected");
        }
        out.println("  " + String.join(", ", parts));
        if (!sa.path("local-auth").isNull() && sa.has("local-auth")) {
            out.println("  we: " + text(sa.path("local-auth")) + "; peer: " + text(sa.path("remote-auth")));
        }
    }

    static void childSa(String connection, JsonNode c, PrintWriter out) {
        out.println(String.format(
                "  %s{%s} %s, SPIs %s_i %s_o, %s, %s, %s === %s%s",
                connection,
                c.path("name").asText(),
                c.path("state").asText("installed"),
                c.path("spi-in").asText(),
                c.path("spi-out").asText(),
                c.path("suite").asText(),
                c.path("mode").asText(),
                join(c.path("local-ts")),
                join(c.path("remote-ts")),
                c.path("udp-encapsulation").asBoolean() ? " (UDP-encapsulated)" : ""));
        List<String> parts = new ArrayList<>();
        if (c.has("age-seconds")) {
            parts.add("installed " + c.path("age-seconds").asLong() + " s ago");
        }
        if (c.has("rekey-in-seconds")) {
            parts.add("rekey in " + c.path("rekey-in-seconds").asLong() + " s");
        }
        if (c.has("expires-in-seconds")) {
            parts.add("expires in " + c.path("expires-in-seconds").asLong() + " s");
        }
        JsonNode t = c.path("traffic");
        if (!t.isMissingNode()) {
            parts.add(String.format(
                    "in %d packets/%d octets, out %d packets/%d octets",
                    t.path("in-packets").asLong(),
                    t.path("in-octets").asLong(),
                    t.path("out-packets").asLong(),
                    t.path("out-octets").asLong()));
        }
        if (!parts.isEmpty()) {
            out.println("    " + String.join(", ", parts));
        }
    }

    /** {@code ikeseal tokens}: one line per token, then the audit log's state. */
    static void tokens(JsonNode result, PrintWriter out) {
        for (JsonNode t : result.path("tokens")) {
            out.println(String.format(
                    "%s (%s, tier %s, slot %d '%s'): %s, %d live objects, %d queued, PIN %s, reopened %d time(s)%s",
                    t.path("name").asText(),
                    join(t.path("roles")),
                    t.path("tier").asText(),
                    t.path("slot").asLong(),
                    t.path("label").asText(),
                    t.path("state").asText(),
                    t.path("live-objects").asLong(),
                    t.path("queued").asLong(),
                    t.path("pin").asText(),
                    t.path("reopened").asLong(),
                    t.path("last-error").asText().isEmpty()
                            ? ""
                            : "; last error: " + t.path("last-error").asText()));
        }
        out.println("audit log: " + result.path("audit-log").asText());
    }

    /** {@code ikeseal terminate}. */
    static void terminated(JsonNode result, PrintWriter out) {
        for (JsonNode sa : result.path("ike-sas")) {
            out.println("terminated IKE SA " + sa.path("spi-i").asText() + "_i: "
                    + sa.path("closed").asText());
        }
        for (JsonNode c : result.path("child-sas")) {
            out.println("deleting CHILD_SA " + c.asText() + "_i (Delete sent)");
        }
    }

    /** {@code ikeseal rekey}. */
    static void rekeyed(JsonNode result, PrintWriter out) {
        for (JsonNode sa : result.path("ike-sas")) {
            JsonNode n = sa.path("ike-sa");
            out.println("rekeyed IKE SA " + sa.path("old-spi-i").asText() + "_i -> "
                    + n.path("spi-i").asText() + "_i " + n.path("spi-r").asText() + "_r");
        }
        for (JsonNode c : result.path("child-sas")) {
            JsonNode n = c.path("child-sa");
            out.println("rekeyed CHILD_SA " + c.path("old-spi-in").asText() + "_i -> "
                    + n.path("spi-in").asText() + "_i " + n.path("spi-out").asText() + "_o");
        }
    }

    /** {@code ikeseal reload}. */
    static void reloaded(JsonNode result, PrintWriter out) {
        for (String k : List.of("added", "removed", "changed", "unchanged")) {
            out.println(k + ": " + (result.path(k).isEmpty() ? "-" : join(result.path(k))));
        }
        out.println("trust anchors: " + (result.path("trust-changed").asBoolean() ? "changed" : "unchanged"));
    }

    private static String join(JsonNode array) {
        List<String> s = new ArrayList<>();
        array.forEach(n -> s.add(n.asText()));
        return String.join(",", s);
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? "-" : n.asText();
    }

    private static String name(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? "(unnamed)" : n.asText();
    }
}
