package io.ikeseal.agent.interop;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.ikeseal.agent.cli.Main;
import io.ikeseal.testhsm.ChildJvm;

/**
 * The tokens' own ceiling, measured in the same run as the load: {@code ikeseal bench token --json} on a responder's
 * configuration, in a process of its own while no responder runs. From its rows: ecp256 key pair + g^ir + SKEYSEED +
 * IKE SA keys per second on the key-exchange token with 1 and 2 callers, and ECDSA P-256 signatures per second on
 * the identity token (1 caller).
 */
record TokenCeiling(String kxToken, double kxPerSecond1, double kxPerSecond2, double signPerSecond) {
    static final String KX_OPERATION = "keygen+g^ir+SKEYSEED+IKE SA keys";
    static final String SIGN_OPERATION = "sign ECDSA_SHA256"; // RFC 7427, SHA-256 over a P-256 key

    static TokenCeiling measure(Path config, double seconds, List<String> jvmOptions) throws Exception {
        Path dir = config.getParent();
        Path out = Files.createTempFile(dir, "bench-token", ".json");
        Path err = Files.createTempFile(dir, "bench-token", ".stderr");
        List<String> command = ChildJvm.command(
                jvmOptions,
                Main.class.getName(),
                List.of(
                        "bench",
                        "token",
                        "--config",
                        config.toString(),
                        "--seconds",
                        String.format(Locale.ROOT, "%.2f", seconds),
                        "--json",
                        "--audit-log",
                        dir.resolve("bench-token-audit.log").toString()));
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        // 4 DH groups x 2 caller counts + 1 signature scheme, each `seconds` long, plus start-up
        long limit = (long) Math.ceil(seconds * 20) + 60;
        if (!p.waitFor(limit, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("ikeseal bench token did not end within " + limit + " s");
        }
        String json = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("ikeseal bench token exited " + p.exitValue() + ":\n" + json
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        String kxToken = "";
        double kx1 = Double.NaN;
        double kx2 = Double.NaN;
        double sign = Double.NaN;
        for (JsonNode row : new ObjectMapper().readTree(json)) {
            String op = row.path("operation").asText();
            int threads = row.path("threads").asInt();
            double rate = row.path("perSecond").asDouble();
            if (op.equals(KX_OPERATION) && row.path("subject").asText().equals("ecp256")) {
                kxToken = row.path("token").asText();
                if (threads == 1) {
                    kx1 = rate;
                } else if (threads == 2) {
                    kx2 = rate;
                }
            } else if (op.equals(SIGN_OPERATION) && threads == 1) {
                sign = rate;
            }
        }
        return new TokenCeiling(kxToken, kx1, kx2, sign);
    }
}
