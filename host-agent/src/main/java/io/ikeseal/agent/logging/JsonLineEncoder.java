package io.ikeseal.agent.logging;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * Logback events as JSON lines: {@code time} (ISO-8601 UTC), {@code level}, {@code logger}, {@code thread},
 * {@code message} (formatted), and {@code exception} (its stack trace, as the text format would print it) when one is
 * attached. Fewer fields than logback's own JsonEncoder, and named as collectors expect.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        f.put("level", event.getLevel().toString());
        f.put("logger", event.getLoggerName());
        f.put("thread", event.getThreadName());
        f.put("message", event.getFormattedMessage());
        IThrowableProxy t = event.getThrowableProxy();
        if (t != null) {
            f.put("exception", ThrowableProxyUtil.asString(t));
        }
        return (JsonLine.of(f) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }
}
