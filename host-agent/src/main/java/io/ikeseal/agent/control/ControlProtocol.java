package io.ikeseal.agent.control;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The control protocol, version 1 (docs/operations-ctl.md): per connection one request, a JSON object on one line
 * ({@code {"version":1,"verb":"sas","args":{...}}}), and one answer on one line, {@code {"version":1,"ok":true,
 * "result":{...}}} or {@code {"version":1,"ok":false,"error":{"code":"...","message":"..."}}}. UTF-8, newline
 * terminated.
 */
public final class ControlProtocol {
    /** The protocol version this daemon and this client speak. */
    public static final int VERSION = 1;
    /** A request line's limit, newline included: requests are small; anything longer is refused unread. */
    public static final int MAX_REQUEST_OCTETS = 16 * 1024;
    /** What a client reads at most: a listing of tens of thousands of SAs fits. */
    public static final int MAX_ANSWER_OCTETS = 64 * 1024 * 1024;

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        JSON.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(16).build());
    }

    private ControlProtocol() {}

    /** A new, empty JSON object. */
    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** The request for {@code verb}, one line with its newline. */
    public static byte[] request(String verb, ObjectNode args) {
        ObjectNode r = object();
        r.put("version", VERSION);
        r.put("verb", verb);
        r.set("args", args == null ? object() : args);
        return line(r);
    }

    /** Parses a request line; throws {@link ControlException} saying precisely what is wrong with it. */
    static ControlRequest parse(byte[] line) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new ControlException(ControlException.MALFORMED, "not JSON: " + brief(e));
        }
        if (n == null || !n.isObject()) {
            throw new ControlException(ControlException.MALFORMED, "the request must be one JSON object");
        }
        JsonNode v = n.get("version");
        if (v == null || !v.isInt()) {
            throw new ControlException(ControlException.MALFORMED, "\"version\" (an integer) is required");
        }
        if (v.intValue() != VERSION) {
            throw new ControlException(
                    ControlException.UNSUPPORTED_VERSION,
                    "protocol version " + v.intValue() + " is not served; this daemon speaks version " + VERSION);
        }
        JsonNode verb = n.get("verb");
        if (verb == null || !verb.isTextual() || verb.textValue().isEmpty()) {
            throw new ControlException(ControlException.MALFORMED, "\"verb\" (a string) is required");
        }
        JsonNode args = n.get("args");
        if (args != null && !args.isObject() && !args.isNull()) {
            throw new ControlException(ControlException.MALFORMED, "\"args\" must be a JSON object");
        }
        return new ControlRequest(verb.textValue(), args == null || args.isNull() ? object() : (ObjectNode) args);
    }

    /** A Jackson error without its location dump: the first line of its original message. */
    private static String brief(java.io.IOException e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    static byte[] ok(JsonNode result) {
        ObjectNode a = object();
        a.put("version", VERSION);
        a.put("ok", true);
        a.set("result", result);
        return line(a);
    }

    static byte[] error(String code, String message) {
        ObjectNode a = object();
        a.put("version", VERSION);
        a.put("ok", false);
        ObjectNode e = a.putObject("error");
        e.put("code", code);
        e.put("message", message);
        return line(a);
    }

    /** Parses an answer line (the client's side). */
    static JsonNode parseAnswer(byte[] line) throws java.io.IOException {
        return JSON.readTree(line);
    }

    private static byte[] line(JsonNode n) {
        try {
            return (JSON.writeValueAsString(n) + "\n").getBytes(UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }
}
