package io.ikeseal.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Which token did what for one side of one IKE SA, read back from the audit log (after {@code AuditVerifier} has
 * vouched for it): the records whose context names the SA's initiator SPI and one of that side's peer addresses,
 * counted per token and operation, with the time the tokens took. A log line names a key by label or schedule role
 * and never holds material, so neither does a tally.
 *
 * @param operations token name ({@link #HOST} for checks audited without a token, such as the peer's AUTH) to
 *                   operation name to count, in the order they first occur
 * @param micros     time in token calls (host-side records do not count)
 */
record SaAuditTally(Map<String, Map<String, Integer>> operations, int records, int failed, long micros) {
    static final String HOST = "host";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param spiI  the IKE SA's initiator SPI (16 hex digits, as the records carry it)
     * @param peers the {@code address:port}s this side talked to; both daemons of the demo share one log
     */
    static SaAuditTally read(Path log, String spiI, Set<String> peers) throws IOException {
        Map<String, Map<String, Integer>> ops = new LinkedHashMap<>();
        int records = 0;
        int failed = 0;
        long micros = 0;
        try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                JsonNode n = JSON.readTree(line);
                if (!spiI.equals(n.path("spiI").asText(null))
                        || !peers.contains(n.path("peer").asText(null))) {
                    continue;
                }
                records++;
                failed += "ok".equals(n.path("result").asText()) ? 0 : 1;
                String token = n.path("token").asText(null);
                micros += token == null ? 0 : n.path("durationUs").asLong();
                ops.computeIfAbsent(token == null ? HOST : token, t -> new LinkedHashMap<>())
                        .merge(n.path("op").asText("?"), 1, Integer::sum);
            }
        }
        return new SaAuditTally(ops, records, failed, micros);
    }

    /** E.g. {@code hsm: 1 dh-keygen, 1 dh-derive, 1 skeyseed; smartcard: 1 sign; host: 1 peer-auth}. */
    String describe() {
        if (operations.isEmpty()) {
            return "no audit records";
        }
        return operations.entrySet().stream()
                .map(t -> t.getKey() + ": "
                        + t.getValue().entrySet().stream()
                                .map(o -> o.getValue() + " " + o.getKey())
                                .collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; "));
    }
}
