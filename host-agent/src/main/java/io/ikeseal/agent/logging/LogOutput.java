package io.ikeseal.agent.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.LogFormat;

/**
 * Switches the console appender of logback.xml ({@code STDERR}) between its text pattern and {@link JsonLineEncoder}.
 * Logs stay on stderr either way; stdout keeps command output and {@code run}'s SA event lines.
 */
public final class LogOutput {
    static final String APPENDER = "STDERR";
    /** The pattern of logback.xml, for switching back. */
    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n";

    private LogOutput() {}

    /** From now on the console log is written as {@code format}. */
    public static void use(LogFormat format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding: its own configuration decides
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> a = root.getAppender(APPENDER);
        if (!(a instanceof ConsoleAppender<ILoggingEvent> console)) {
            return;
        }
        Encoder<ILoggingEvent> encoder;
        if (format == LogFormat.JSON) {
            encoder = new JsonLineEncoder();
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(TEXT_PATTERN);
            encoder = text;
        }
        encoder.setContext(context);
        encoder.start();
        console.setEncoder(encoder); // under the appender's lock: a line is written whole in one format
    }

    /** The console appender's current encoder, for tests. */
    static Encoder<ILoggingEvent> encoder() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        return ((ConsoleAppender<ILoggingEvent>)
                        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(APPENDER))
                .getEncoder();
    }
}
