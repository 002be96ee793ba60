package io.ikeseal.hsm.token;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.testhsm.ChildJvm;
import io.ikeseal.testhsm.DebianTools;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * The PIN sources that read the process's environment or terminal, against a real SoftHSM token: an environment
 * variable, a systemd credential ($CREDENTIALS_DIRECTORY/NAME) and the start-up prompt, in one child JVM on a
 * pseudo-terminal (script(1)) that the test types the PIN into once the prompt shows, so the PIN must not be echoed.
 * Each login goes to its own not-yet-logged-in copy of the module, whose p11trace log shows the C_Login it got.
 */
class PinSourcesTest {
    @RegisterExtension
    static final SoftHsmExtension smartcard = SoftHsmExtension.create().withLabel("pin-sources");

    private static final String PROMPT = "PIN for token 'prompt': ";

    @Test
    void environmentCredentialAndPromptEachLogIn() throws Exception {
        String pin = new String(smartcard.token().pin());
        Path credentials = Files.createDirectories(smartcard.token().dir().resolve("credentials"));
        Files.writeString(credentials.resolve("token-pin"), pin); // systemd writes it without a newline
        Files.setPosixFilePermissions(credentials.resolve("token-pin"), PosixFilePermissions.fromString("r--r-----"));
        List<String> kinds = List.of("env", "credential", "credential-absent", "prompt");
        Map<String, EmulatedSoftHsm> modules = new java.util.LinkedHashMap<>();
        List<String> args = new ArrayList<>();
        for (String kind : kinds) {
            EmulatedSoftHsm m = EmulatedSoftHsm.of(smartcard.token(), "src-" + kind, null);
            modules.put(kind, m);
            StringBuilder a = new StringBuilder(kind)
                    .append('|')
                    .append(smartcard.token().label())
                    .append('|')
                    .append(m.module());
            m.environment()
                    .forEach((k, v) -> a.append('|').append(k).append('=').append(v));
            args.add(a.toString());
        }
        List<String> java =
                ChildJvm.command(List.of("-Xmx96m", "-XX:TieredStopAtLevel=1"), PinSourceChild.class.getName(), args);
        String line = String.join(" ", java.stream().map(PinSourcesTest::quoted).toList());
        ProcessBuilder pb = new ProcessBuilder(DebianTools.script().toString(), "-q", "-e", "-c", line, "/dev/null")
                .redirectErrorStream(true);
        pb.environment().put("IKESEAL_TEST_PIN", pin);
        pb.environment().put("CREDENTIALS_DIRECTORY", credentials.toString());
        Process child = pb.start();
        Output out = new Output();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (InputStream in = child.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.add(new String(buf, 0, n, StandardCharsets.UTF_8)); // ASCII only
                }
            } catch (java.io.IOException e) {
                out.add("[read failed: " + e + "]");
            }
        });
        try (OutputStream typing = child.getOutputStream()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!out.text().contains(PROMPT) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(out.text().contains(PROMPT), () -> "no prompt: " + out.text());
            typing.write((pin + "\n").getBytes(StandardCharsets.UTF_8)); // as the operator would, after the prompt
            typing.flush();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), () -> "child still running: " + out.text());
        } finally {
            child.destroyForcibly();
            reader.join(10_000);
        }
        String shown = out.text().replace("\r", "");
        assertEquals(0, child.exitValue(), shown);
        assertTrue(shown.contains("env: ok\n"), shown);
        assertTrue(shown.contains("credential: ok\n"), shown);
        assertTrue(
                shown.contains("credential-absent: refused: cannot read PIN credential 'absent-pin' ("
                        + credentials.resolve("absent-pin") + "; is LoadCredential=absent-pin:... in the unit?): "
                        + "no such file\n"),
                shown);
        assertTrue(shown.contains(PROMPT + "\nprompt: ok\n"), shown);
        assertFalse(shown.contains(pin), "the terminal never showed the PIN");
        for (String kind : List.of("env", "credential", "prompt")) {
            assertEquals(List.of("0x1 0x0 <redacted:20>"), modules.get(kind).logins(), kind);
        }
        assertEquals(List.of(), modules.get("credential-absent").logins());
    }

    @Test
    void sourcesThatCannotWorkHereSayWhy() {
        assertNull(System.getenv("CREDENTIALS_DIRECTORY"), "tests run outside a systemd service with credentials");
        TokenException noCredentials = assertThrows(TokenException.class, PinSource.credential("token-pin")::read);
        assertTrue(
                noCredentials.getMessage().contains("$CREDENTIALS_DIRECTORY is not set"), noCredentials.getMessage());
        assertTrue(noCredentials.getMessage().contains("LoadCredential=token-pin:"), noCredentials.getMessage());
        // surefire's JVM has no terminal (its stdin is a pipe)
        TokenException noTerminal = assertThrows(TokenException.class, PinSource.prompt("card")::read);
        assertTrue(noTerminal.getMessage().contains("pin-prompt needs a terminal"), noTerminal.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PinSource.credential("../etc/shadow"));
        assertThrows(IllegalArgumentException.class, () -> PinSource.credential(".."));
    }

    /** What the terminal showed so far. */
    private static final class Output {
        private final StringBuilder text = new StringBuilder();

        synchronized void add(String s) {
            text.append(s);
        }

        synchronized String text() {
            return text.toString();
        }
    }

    private static String quoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
