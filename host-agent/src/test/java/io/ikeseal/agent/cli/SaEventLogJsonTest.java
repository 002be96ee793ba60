package io.ikeseal.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.LogFormat;
import io.ikeseal.agent.sa.IkeSaInfo;

/** {@code run --log-format json}: SA event lines on stdout are JSON objects carrying the event and the SA's SPIs. */
class SaEventLogJsonTest {
    @Test
    void eventLinesAreJsonObjects() throws Exception {
        StringWriter out = new StringWriter();
        SaEventLog log = new SaEventLog(
                new PrintWriter(out),
                Clock.fixed(Instant.parse("2026-12-07T00:00:00.123Z"), ZoneOffset.UTC),
                LogFormat.JSON);
        log.line("running: gw.yaml");
        IkeSaInfo sa = new IkeSaInfo(
                "branch",
                false,
                0x0123456789abcdefL,
                0x1111222233334444L,
                new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 500),
                new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), 500),
                "gw",
                "br",
                null,
                "pubkey",
                "pubkey",
                null,
                false,
                false,
                List.of(),
                0);
        log.ikeSaFailed(sa, "AUTHENTICATION_FAILED: bad signature");
        List<String> lines = out.toString().lines().toList();
        assertEquals(2, lines.size(), out.toString());
        ObjectMapper json = new ObjectMapper();
        JsonNode daemon = json.readTree(lines.get(0));
        assertEquals("daemon", daemon.get("event").asText());
        assertEquals("INFO", daemon.get("level").asText());
        assertEquals(SaEventLog.LOGGER, daemon.get("logger").asText());
        assertEquals("running: gw.yaml", daemon.get("message").asText());
        assertEquals("2026-12-07T00:00:00.123Z", daemon.get("time").asText());
        JsonNode failed = json.readTree(lines.get(1));
        assertEquals("ike-sa-failed", failed.get("event").asText());
        assertEquals("0123456789abcdef", failed.get("spiI").asText());
        assertEquals("1111222233334444", failed.get("spiR").asText());
        assertEquals("branch", failed.get("connection").asText());
        assertTrue(failed.get("message").asText().startsWith("IKE_SA failed: "));
    }
}
