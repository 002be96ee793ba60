package io.ikeseal.demo;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.cli.Main;
import io.ikeseal.testhsm.ChildJvm;

/**
 * A demo directory is self-contained: set up, copied, the original deleted, and the copy still opens its own
 * SoftHSM token (the token directory in its softhsm2.conf is relative) and NSS database. Each command runs in a JVM
 * of its own, since a PKCS#11 module is initialized once per process and {@link DemoCliTest} owns this one's.
 */
class CopiedDemoTest {
    private static final long WAIT_SECONDS = 120;

    @TempDir
    Path base;

    @Test
    void aCopiedDemoDirectoryUsesItsOwnTokens() throws Exception {
        Path original = base.resolve("original");
        Result setup = ikeseal("setup-demo", original.toString());
        assertEquals(0, setup.exit(), setup.toString());
        Path copy = base.resolve("copy");
        copyTree(original, copy);
        deleteTree(original);
        assertFalse(Files.exists(original));

        try (Stream<Path> files = Files.walk(copy)) {
            for (Path f : files.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".conf"))
                    .toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                assertFalse(text.contains(original.toString()), f + " names the original directory:\n" + text);
            }
        }

        Result probe = ikeseal(
                "token", "probe", "--config", copy.resolve("ikeseal.yaml").toString());
        assertEquals(0, probe.exit(), probe.toString());
        JsonNode tokens = new ObjectMapper().readTree(probe.out());
        JsonNode smartcard = tokens.get(0);
        assertEquals("ikeseal-identity", smartcard.get("label").asText(), probe.out());
        assertNull(smartcard.get("error"), probe.out());
        assertEquals("gateway-ecdsa", smartcard.at("/identities/0/name").asText(), probe.out());
        assertNull(tokens.get(1).get("error"), probe.out());
    }

    private record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** The CLI in a JVM of its own, with this JVM's module flags and class path; bounded in time. */
    private Result ikeseal(String... args) throws Exception {
        List<String> command = ChildJvm.command(List.of(), Main.class.getName(), List.of(args));
        Path out = Files.createTempFile(base, "out", ".txt");
        Path err = Files.createTempFile(base, "err", ".txt");
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("ikeseal " + String.join(" ", args) + " still running after " + WAIT_SECONDS + " s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
