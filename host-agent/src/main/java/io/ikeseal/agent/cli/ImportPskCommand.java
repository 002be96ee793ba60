package io.ikeseal.agent.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.psk.PskImport;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;

/** {@code ikeseal token import-psk}: stores a pre-shared key in a key-exchange token, sealed. */
@Command(
        name = "import-psk",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Store a pre-shared key in a key-exchange token as sensitive, unextractable token objects. "
                    + "After this the PSK is used only inside the token (RFC 7296 §2.15 AUTH); it is never written to "
                    + "configuration, logs or the audit log (which records the import by name).",
            "Without --from-file or --from-env the PSK is read from the terminal without echo (typed twice), "
                    + "or from stdin when that is not a terminal."
        })
final class ImportPskCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    ConfigOption config;

    @Option(
            names = "--token",
            required = true,
            paramLabel = "NAME",
            description = "A key-exchange token from the configuration.")
    String token;

    @Option(
            names = "--name",
            required = true,
            paramLabel = "PSK",
            description = "The PSK's name, as listed under psks: in the configuration.")
    String name;

    @ArgGroup(exclusive = true)
    Source source;

    @Option(
            names = "--encoding",
            paramLabel = "ENC",
            defaultValue = "text",
            converter = EncodingConverter.class,
            description = "text (UTF-8, one trailing newline dropped; the default), hex (0x prefix allowed), base64, "
                    + "or binary (the file's or stdin's octets exactly).")
    PskInput.Encoding encoding;

    @Option(names = "--replace", description = "Overwrite an existing PSK of that name.")
    boolean replace;

    static final class Source {
        @Option(names = "--from-file", paramLabel = "F", description = "Read the PSK from file F.")
        Path file;

        @Option(names = "--from-env", paramLabel = "VAR", description = "Read the PSK from environment variable VAR.")
        String env;
    }

    ImportPskCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        IkesealConfig cfg = config.load();
        TokenConfig tc = ConfigOption.token(cfg, token, TokenRole.KEY_EXCHANGE);
        byte[] psk = read();
        try (TokenSet session = new TokenSet(cfg)) {
            Token t = session.open(tc);
            PskImport done = Token.await(PresharedKeys.importPsk(t, name, psk, replace));
            ctx.out()
                    .println("imported pre-shared key '" + done.name() + "' (" + done.length() + " octets) into token '"
                            + t.name() + "'" + (done.replaced() ? ", replacing the previous one" : ""));
            if (done.weak()) {
                ctx.err()
                        .println("ikeseal: warning: '" + done.name() + "' is shorter than "
                                + PresharedKeys.RECOMMENDED_MIN_LENGTH
                                + " octets; RFC 7296 §2.15 wants a PSK as strong as "
                                + "the strongest negotiated key");
            }
            if (cfg.psks().stream()
                    .noneMatch(p -> p.name().equals(name) && p.token().equals(token))) {
                ctx.err()
                        .println("ikeseal: note: add {name: " + name + ", token: " + token + "} under psks: in "
                                + cfg.file() + " to use it");
            }
            return ExitCode.OK;
        } finally {
            Arrays.fill(psk, (byte) 0); // importPsk wipes it too
        }
    }

    private byte[] read() {
        if (source != null && source.file != null) {
            return PskInput.fromFile(source.file, encoding);
        }
        if (source != null && source.env != null) {
            return PskInput.fromEnv(source.env, encoding);
        }
        if (ctx.console() != null) {
            return PskInput.fromConsole(ctx.console(), name, encoding);
        }
        return PskInput.fromStream(ctx.in(), encoding);
    }

    static final class EncodingConverter implements picocli.CommandLine.ITypeConverter<PskInput.Encoding> {
        @Override
        public PskInput.Encoding convert(String value) {
            try {
                return PskInput.Encoding.valueOf(value.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "must be text, hex, base64 or binary, was '" + value + "'");
            }
        }
    }
}
