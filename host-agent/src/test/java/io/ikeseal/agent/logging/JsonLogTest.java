package io.ikeseal.agent.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.LogFormat;

/** JSON log lines: one object per line with time, level, logger and message; switched on and off at run time. */
class JsonLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eachEventIsOneJsonObjectOnOneLine() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger logger = context.getLogger("io.ikeseal.agent.daemon.IkeDaemon");
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        LoggingEvent e = new LoggingEvent(
                Logger.class.getName(),
                logger,
                Level.WARN,
                "token '{}' said \"{}\"\non two lines",
                new IllegalStateException("boom"),
                new Object[] {"hsm", "CKR_DEVICE_ERROR"});
        String line = new String(encoder.encode(e), StandardCharsets.UTF_8);
        assertTrue(line.endsWith("\n"));
        assertEquals(1, line.lines().count(), line);
        JsonNode n = JSON.readTree(line);
        assertEquals("WARN", n.get("level").asText());
        assertEquals("io.ikeseal.agent.daemon.IkeDaemon", n.get("logger").asText());
        assertEquals(
                "token 'hsm' said \"CKR_DEVICE_ERROR\"\non two lines",
                n.get("message").asText());
        assertEquals(e.getTimeStamp(), Instant.parse(n.get("time").asText()).toEpochMilli());
        assertTrue(n.get("exception").asText().startsWith("java.lang.IllegalStateException: boom"));
        assertFalse(n.get("thread").asText().isEmpty());
    }

    @Test
    void theConsoleAppenderSwitchesFormat() {
        try {
            LogOutput.use(LogFormat.JSON);
            assertInstanceOf(JsonLineEncoder.class, LogOutput.encoder());
        } finally {
            LogOutput.use(LogFormat.TEXT);
        }
        assertEquals(LogOutput.TEXT_PATTERN, ((PatternLayoutEncoder) LogOutput.encoder()).getPattern());
    }
}
