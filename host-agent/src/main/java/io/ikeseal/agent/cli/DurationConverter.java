package io.ikeseal.agent.cli;

import java.time.Duration;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import io.ikeseal.agent.config.Durations;

/** Durations on the command line, written as in the configuration: {@code 500ms}, {@code 30s}, {@code 2m}. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value, Duration.ofMillis(100), Duration.ofHours(1));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
