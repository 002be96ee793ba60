package io.ikeseal.hsm.token;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.api.ResidencyTier;

/**
 * A child JVM for {@link PinSourcesTest}: the sources that read the process's own environment and terminal, which a
 * test cannot change in its own JVM. Each argument is one login, {@code kind|label|module|VAR=value|...}; it prints
 * {@code kind: ok} or {@code kind: refused: message} for each.
 */
public final class PinSourceChild {
    private PinSourceChild() {}

    public static void main(String[] args) {
        for (String arg : args) {
            List<String> parts = List.of(arg.split("\\|", -1));
            String kind = parts.get(0);
            Map<String, String> env = new LinkedHashMap<>();
            for (String kv : parts.subList(3, parts.size())) {
                int eq = kv.indexOf('=');
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            PinSource pin = switch (kind) {
                case "env" -> PinSource.env("IKESEAL_TEST_PIN");
                case "credential" -> PinSource.credential("token-pin");
                case "credential-absent" -> PinSource.credential("absent-pin");
                case "prompt" -> PinSource.prompt(kind);
                default -> throw new IllegalArgumentException(kind);
            };
            TokenSpec spec = new TokenSpec(
                    kind,
                    Path.of(parts.get(2)),
                    SlotSelector.byLabel(parts.get(1)),
                    pin,
                    null,
                    env,
                    Set.of(TokenRole.IDENTITY),
                    ResidencyTier.SEALED,
                    1);
            try {
                TokenLogin.open(spec, new MemoryAuditSink());
                System.out.println(kind + ": ok");
            } catch (TokenException e) {
                System.out.println(kind + ": refused: " + e.getMessage());
            }
            System.out.flush();
        }
    }
}
