package io.ikeseal.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import io.ikeseal.agent.config.ConfigException;

/**
 * The {@code ikeseal} command. Every failure is one line on stderr ({@code ikeseal: ...}; the stack trace only
 * with {@code --debug}) and a non-zero exit code: see {@link ExitCode}. Subcommands of other modules on the class
 * path (the demo's) join through {@link CliExtension}.
 */
@Command(
        name = "ikeseal",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "IKEv2 daemon whose secrets live in PKCS#11 tokens.%n"
                + "Private keys, Diffie-Hellman values, g^ir, SKEYSEED, SK_d and PSKs are created and used inside "
                + "tokens; every token operation is written to a hash-chained audit log.",
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  done",
            "  1  failed: no IKE SA (the reason names the peer's error or our failed check), a "
                    + "token cannot serve its role, a token operation failed, the audit log is broken",
            "  2  bad command line or configuration; nothing was attempted"
        })
public final class Main {
    @Option(
            names = "--debug",
            scope = ScopeType.INHERIT,
            description = "Log at DEBUG level and print stack traces of failures.")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(CliContext.system(), args));
    }

    /** Runs one command line in-process and returns its exit code; never calls System.exit. */
    public static int run(CliContext ctx, String... args) {
        boolean debug = Arrays.asList(args).contains("--debug");
        if (debug) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.DEBUG);
        }
        CommandLine cl = commandLine(ctx);
        cl.setParameterExceptionHandler((ex, params) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("ikeseal: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            err.flush();
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("ikeseal: " + message(ex));
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ex instanceof ConfigException || ex instanceof UsageException ? ExitCode.USAGE : ExitCode.FAILURE;
        });
        try {
            return cl.execute(args);
        } finally {
            ctx.out().flush();
            ctx.err().flush();
        }
    }

    static CommandLine commandLine(CliContext ctx) {
        CommandLine cl = new CommandLine(Main.class, new Factory(ctx));
        // Added here rather than in @Command so that the extensions' verbs keep their place in --help: after run and
        // initiate.
        List.of(
                        RunCommand.class,
                        InitiateCommand.class,
                        SasCommand.class,
                        TerminateCommand.class,
                        RekeyCommand.class,
                        TokensCommand.class,
                        ReloadCommand.class)
                .forEach(cl::addSubcommand);
        List<String> footer =
                new ArrayList<>(List.of(cl.getCommandSpec().usageMessage().footer()));
        for (CliExtension extension : ServiceLoader.load(CliExtension.class)) {
            extension.commands(ctx).forEach(cl::addSubcommand);
            footer.addAll(extension.footer());
        }
        List.of(TokenCommand.class, AuditCommand.class, BenchCommand.class, CommandLine.HelpCommand.class)
                .forEach(cl::addSubcommand);
        cl.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
        cl.setOut(ctx.out());
        cl.setErr(ctx.err());
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    /** A failure as one line: its message, or its type when it has none. Never includes secrets (see callers). */
    public static String message(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName() + (t.getCause() != null ? ": " + message(t.getCause()) : "");
        }
        return m.replace('\n', ' ');
    }

    /** Hands the CLI's streams to commands that take a {@link CliContext}. */
    private record Factory(CliContext ctx) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(CliContext.class).newInstance(ctx);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
