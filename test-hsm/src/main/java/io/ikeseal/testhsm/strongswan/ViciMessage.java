package io.ikeseal.testhsm.strongswan;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The message layer of strongSwan's VICI protocol: a tree of sections holding key/values and lists of values,
 * encoded as a sequence of elements (type octet; a name with a one-octet length for sections, keys and lists; a
 * value with a two-octet big-endian length for key/values and list items). Here a message is a {@code Map} from
 * names to {@code String} (a key/value), {@code List<String>} (a list) or another such {@code Map} (a section),
 * in order. Values are taken as UTF-8 text, which is all charon sends (numbers are decimal strings).
 */
public final class ViciMessage {
    static final int SECTION_START = 1;
    static final int SECTION_END = 2;
    static final int KEY_VALUE = 3;
    static final int LIST_START = 4;
    static final int LIST_ITEM = 5;
    static final int LIST_END = 6;

    private ViciMessage() {}

    /** Encodes a message tree; throws IllegalArgumentException for names over 255 or values over 65535 octets. */
    public static byte[] encode(Map<String, ?> message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encodeSection(message, out);
        return out.toByteArray();
    }

    private static void encodeSection(Map<String, ?> section, ByteArrayOutputStream out) {
        for (Map.Entry<String, ?> e : section.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> sub) {
                out.write(SECTION_START);
                name(e.getKey(), out);
                encodeSection(castSection(sub), out);
                out.write(SECTION_END);
            } else if (v instanceof List<?> list) {
                out.write(LIST_START);
                name(e.getKey(), out);
                for (Object item : list) {
                    out.write(LIST_ITEM);
                    value(item.toString(), out);
                }
                out.write(LIST_END);
            } else {
                out.write(KEY_VALUE);
                name(e.getKey(), out);
                value(String.valueOf(v), out);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> castSection(Map<?, ?> m) {
        return (Map<String, ?>) m;
    }

    private static void name(String name, ByteArrayOutputStream out) {
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        if (b.length == 0 || b.length > 255) {
            throw new IllegalArgumentException("a VICI name has 1..255 octets: " + name);
        }
        out.write(b.length);
        out.writeBytes(b);
    }

    private static void value(String value, ByteArrayOutputStream out) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("a VICI value has at most 65535 octets");
        }
        out.write(b.length >>> 8);
        out.write(b.length & 0xFF);
        out.writeBytes(b);
    }

    /**
     * Decodes a message into nested {@code LinkedHashMap}s; a repeated name keeps the last value (charon does not
     * repeat names within a section). Throws IllegalArgumentException for a truncated or unbalanced message.
     */
    public static Map<String, Object> decode(ByteBuffer in) {
        Map<String, Object> root = new LinkedHashMap<>();
        Deque<Map<String, Object>> open = new ArrayDeque<>();
        open.push(root);
        List<String> list = null;
        try {
            while (in.hasRemaining()) {
                int type = in.get() & 0xFF;
                switch (type) {
                    case SECTION_START -> {
                        Map<String, Object> s = new LinkedHashMap<>();
                        open.peek().put(readName(in), s);
                        open.push(s);
                    }
                    case SECTION_END -> {
                        if (open.size() == 1) {
                            throw new IllegalArgumentException("VICI: section end without a start");
                        }
                        open.pop();
                    }
                    case KEY_VALUE -> {
                        String k = readName(in);
                        open.peek().put(k, readValue(in));
                    }
                    case LIST_START -> {
                        list = new ArrayList<>();
                        open.peek().put(readName(in), list);
                    }
                    case LIST_ITEM -> {
                        if (list == null) {
                            throw new IllegalArgumentException("VICI: list item outside a list");
                        }
                        list.add(readValue(in));
                    }
                    case LIST_END -> list = null;
                    default -> throw new IllegalArgumentException("VICI: unknown element type " + type);
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("VICI: truncated message", e);
        }
        if (open.size() != 1 || list != null) {
            throw new IllegalArgumentException("VICI: unbalanced message");
        }
        return root;
    }

    static String readName(ByteBuffer in) {
        byte[] b = new byte[in.get() & 0xFF];
        in.get(b);
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static String readValue(ByteBuffer in) {
        byte[] b = new byte[in.getShort() & 0xFFFF];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The section of that name, or an empty map. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> section(Map<String, Object> message, String name) {
        return message.get(name) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** The key/value of that name, or "". */
    public static String value(Map<String, Object> message, String name) {
        return message.get(name) instanceof String s ? s : "";
    }
}
