package io.ikeseal.testhsm.strongswan;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One section of strongswan.conf-style text (swanctl.conf uses the same syntax), kept in order.
 * Values are quoted unless they are plain words, so DNs such as "CN=gw, O=ikeseal" survive.
 */
final class ConfSection {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.:/%@*+,-]+");

    private final String name;
    private final List<Object> entries = new ArrayList<>(); // String[2] or ConfSection

    ConfSection(String name) {
        this.name = checkName(name);
    }

    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("section and key names must match " + NAME + ": " + name);
        }
        return name;
    }

    ConfSection set(String key, String value) {
        checkName(key);
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("no line breaks in values: " + key);
        }
        entries.add(new String[] {key, value});
        return this;
    }

    ConfSection add(ConfSection section) {
        entries.add(section);
        return this;
    }

    String render() {
        StringBuilder b = new StringBuilder();
        render(b, "");
        return b.toString();
    }

    private void render(StringBuilder b, String indent) {
        b.append(indent).append(name).append(" {\n");
        for (Object e : entries) {
            if (e instanceof ConfSection s) {
                s.render(b, indent + "  ");
            } else {
                String[] kv = (String[]) e;
                b.append(indent)
                        .append("  ")
                        .append(kv[0])
                        .append(" = ")
                        .append(quote(kv[1]))
                        .append('\n');
            }
        }
        b.append(indent).append("}\n");
    }

    static String quote(String value) {
        if (PLAIN.matcher(value).matches()) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
