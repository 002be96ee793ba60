package io.ikeseal.agent.config;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Refuses a key written without a value ({@code port: ~}, {@code port: null} or {@code port:} alone). The model
 * records read such a key as missing, so it would silently take its default; the operator meant something else.
 * List entries without a value are left to the section's own check ("empty entry").
 */
final class ExplicitNulls {
    static final String PROBLEM = "no value (~, null or nothing after the colon); write a value, or leave the key out"
            + " to use its default";

    private ExplicitNulls() {}

    static void refuse(ConfigSource src, JsonNode node) {
        walk(src, node, "");
    }

    private static void walk(ConfigSource src, JsonNode node, String at) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String here = at.isEmpty() ? e.getKey() : at + "." + e.getKey();
                if (e.getValue().isNull()) {
                    throw src.error(here, PROBLEM);
                }
                walk(src, e.getValue(), here);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(src, node.get(i), ConfigSource.index(at, i));
            }
        }
    }
}
