package io.ikeseal.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.ikeseal.agent.control.ControlClient;
import io.ikeseal.agent.control.ControlException;

/**
 * One verb on the control socket for the CLI: the answer as text (by {@code text}) or, with {@code --json}, as the
 * daemon wrote it; an error as one line on stderr. Exit 0 on success; 2 when the request was refused before anything
 * was done (bad argument, unknown verb, a configuration reload refused); 1 otherwise, including no daemon.
 */
final class ControlCall {
    /** Error codes after which nothing was done, as for a bad command line. */
    private static final Set<String> NOTHING_DONE =
            Set.of(ControlException.BAD_ARGUMENT, ControlException.UNKNOWN_VERB, ControlException.CONFIG);

    private ControlCall() {}

    static int run(
            CliContext ctx,
            ControlOptions options,
            String verb,
            ObjectNode args,
            BiConsumer<JsonNode, PrintWriter> text) {
        Path socket = options.socket();
        JsonNode answer;
        try {
            answer = ControlClient.call(socket, verb, args, options.timeout);
        } catch (IOException e) {
            ctx.err().println("ikeseal: " + Main.message(e));
            return ExitCode.FAILURE;
        }
        return print(ctx, options.json, answer, text);
    }

    /** Prints an answer already received; returns the exit code. */
    static int print(CliContext ctx, boolean json, JsonNode answer, BiConsumer<JsonNode, PrintWriter> text) {
        boolean ok = answer.path("ok").asBoolean(false);
        if (json) {
            ctx.out().println(answer.toString());
        } else if (ok) {
            text.accept(answer.path("result"), ctx.out());
        }
        ctx.out().flush();
        if (ok) {
            return ExitCode.OK;
        }
        String code = answer.path("error").path("code").asText("internal");
        ctx.err()
                .println("ikeseal: " + answer.path("error").path("message").asText("(no message)") + " [" + code + "]");
        return NOTHING_DONE.contains(code) ? ExitCode.USAGE : ExitCode.FAILURE;
    }

    /**
     * Gives the daemon {@code timeout-ms}: a second less than the client waits (at least 1 s less than
     * {@code --timeout}, at most the daemon's 5 min), so its answer, even a timeout, arrives before the client gives up.
     */
    static ObjectNode withTimeout(ObjectNode args, ControlOptions options) {
        long ms = Math.min(Duration.ofMinutes(5).toMillis(), options.timeout.toMillis() - 1000);
        args.put("timeout-ms", Math.max(100, ms));
        return args;
    }
}
