package io.ikeseal.testhsm.strongswan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses swanctl's {@code --pretty} dump of vici messages, one element per line:
 * <pre>
 * list-sa event {
 *   gw {
 *     uniqueid = 1
 *     local-ts = [
 *       127.0.0.1/32
 *     ]
 *   }
 * }
 * </pre>
 * Each top-level message becomes a map of String, List&lt;String&gt; and nested map values.
 * Lines that are not part of a message (swanctl's own log lines) are skipped.
 */
final class ViciPretty {
    private ViciPretty() {}

    /** The bodies of all top-level messages named messageName (e.g. "list-sa event"), in order. */
    static List<Map<String, Object>> messages(String text, String messageName) {
        List<Map<String, Object>> result = new ArrayList<>();
        Deque<Map<String, Object>> stack = new ArrayDeque<>();
        List<String> list = null;
        boolean keep = false;
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (stack.isEmpty()) {
                if (line.endsWith(" {") && !line.contains(" = ")) {
                    Map<String, Object> body = new LinkedHashMap<>();
                    keep = line.substring(0, line.length() - 2).equals(messageName);
                    if (keep) {
                        result.add(body);
                    }
                    stack.push(body);
                }
                continue; // "list-sas reply {}" and log lines
            }
            if (list != null) {
                if (line.equals("]")) {
                    list = null;
                } else {
                    list.add(line);
                }
            } else if (line.equals("}")) {
                stack.pop();
            } else if (line.endsWith(" = [")) {
                list = new ArrayList<>();
                stack.peek().put(line.substring(0, line.length() - 4), list);
            } else if (line.endsWith(" {")) {
                Map<String, Object> section = new LinkedHashMap<>();
                stack.peek().put(line.substring(0, line.length() - 2), section);
                stack.push(section);
            } else {
                int eq = line.indexOf(" = ");
                if (eq > 0) {
                    stack.peek().put(line.substring(0, eq), line.substring(eq + 3));
                } else if (line.endsWith(" =")) {
                    stack.peek().put(line.substring(0, line.length() - 2), "");
                } else {
                    throw new IllegalArgumentException("unexpected line in swanctl --pretty output: " + raw);
                }
            }
        }
        if (!stack.isEmpty() && keep) {
            throw new IllegalArgumentException("swanctl --pretty output ends inside a message:\n" + text);
        }
        return result;
    }
}
