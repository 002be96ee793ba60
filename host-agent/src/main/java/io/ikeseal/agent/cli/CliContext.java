package io.ikeseal.agent.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintWriter;

/**
 * The CLI's streams, passed to every command so that tests run it in-process with their own writers.
 *
 * @param console the interactive terminal for reading secrets without echo, or null when not a terminal
 */
public record CliContext(InputStream in, PrintWriter out, PrintWriter err, Console console) {

    public static CliContext system() {
        Console c = System.console();
        return new CliContext(System.in, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                c != null && c.isTerminal() ? c : null);
    }
}
