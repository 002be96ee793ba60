package io.ikeseal.agent.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * The CLI's streams, passed to every command so that tests run it in-process with their own writers.
 *
 * @param console the interactive terminal for reading secrets without echo, or null when not a terminal
 */
public record CliContext(InputStream in, PrintWriter out, PrintWriter err, Console console) {

    public static CliContext system() {
        Console terminal = Optional.ofNullable(System.console())
                .filter(Console::isTerminal)
                .orElse(null);
        return new CliContext(
                System.in,
                new PrintWriter(System.out, true, UTF_8),
                new PrintWriter(System.err, true, UTF_8),
                terminal);
    }
}
