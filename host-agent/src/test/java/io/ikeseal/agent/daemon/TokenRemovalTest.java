package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenHealth;
import io.ikeseal.testhsm.SoftHsmToken;

/**
 * Issue 9 item 4 under a running daemon: a token's files vanish (SoftHSM's token directory, NSS's key4.db and
 * cert9.db), new SAs that need the token fail cleanly and fast, and once the files are back new SAs establish again
 * without a restart. Prints restore-to-first-established-SA times.
 */
class TokenRemovalTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    static final Duration BOUND = Duration.ofSeconds(20);

    /** The tokens are shared with later test classes: never leave one broken, even when a test failed. */
    @AfterEach
    void tokensServeAgain() throws Exception {
        for (String name : List.of("smartcard", "hsm")) {
            Token token = scenario.token(name);
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (token.health().state() == TokenHealth.State.RECOVERING && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(
                    TokenHealth.State.READY,
                    token.health().state(),
                    name + " left " + token.health().state());
        }
    }

    @Test
    void softHsmTokenDirectoryRemovedAndRestored(@TempDir Path elsewhere) throws Exception {
        Path tokens = scenario.deployment().smartcard().dir().resolve("tokens");
        Path away = tokens.resolveSibling("tokens.away");
        // Another SoftHSM started since points the process-wide SOFTHSM2_CONF at its own tokens: re-initialising the
        // smartcard's module must set the smartcard's configuration again, or it logs in to the wrong token.
        try (SoftHsmToken other = SoftHsmToken.create(elsewhere, "other");
                Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                // started before the removal: a daemon does not start while its identity key is missing
                Side first = scenario.start("branch", ConnectionYaml.branch(gw));
                Side second = scenario.start("branch", ConnectionYaml.branch(gw))) {
            assertTrue(!other.library().startsWith(tokens.getParent()), "another SoftHSM, with its own files");
            scenario.assertStillEstablishes(gw);
            Files.move(tokens, away);
            try {
                assertFailsCleanly(first, second);
            } finally {
                Files.move(away, tokens);
            }
            long ms = establishAgain(gw, ConnectionYaml.branch(gw));
            System.out.println("SoftHSM directory restored: new IKE SA established " + ms + " ms later");
            assertRecovered(scenario.token("smartcard"));
        }
    }

    @Test
    void nssDatabasesRemovedAndRestored() throws Exception {
        Path db = scenario.deployment().hsm().dbDir();
        Path away = Files.createDirectories(db.resolveSibling("db.away"));
        List<String> files = List.of("key4.db", "cert9.db");
        // NSS keeps serving a PSK of one 32-octet chunk from its open database; a longer one (two chunks) needs a
        // derive that fails while the files are away. OTHER_PSK keeps a value of its own.
        byte[] longPsk = new byte[48];
        new SecureRandom().nextBytes(longPsk);
        Token.await(PresharedKeys.importPsk(scenario.token("hsm"), Scenario.OTHER_PSK, longPsk, true));
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway().pskAuth(Scenario.OTHER_PSK))) {
            ConnectionYaml branch = ConnectionYaml.branch(gw).pskAuth(Scenario.OTHER_PSK);
            try (Side br = scenario.start("branch", branch);
                    Side first = scenario.start("branch", branch);
                    Side second = scenario.start("branch", branch)) {
                Scenario.establish(br, gw);
                for (String f : files) {
                    Files.move(db.resolve(f), away.resolve(f));
                }
                try {
                    assertFailsCleanly(first, second);
                } finally {
                    for (String f : files) {
                        // NSS may have made an empty key4.db meanwhile; the restore replaces it
                        Files.move(away.resolve(f), db.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            long ms = establishAgain(gw, branch);
            System.out.println("NSS key4.db/cert9.db restored: new IKE SA established " + ms + " ms later");
            assertRecovered(scenario.token("hsm"));
        }
    }

    /**
     * While the files are away an initiation fails, with a reason, well before the initiator would give up (about
     * 4 s): the first hits the fault, the second is refused while the token recovers.
     */
    private static void assertFailsCleanly(Side... branches) throws Exception {
        for (Side br : branches) {
            long t0 = System.nanoTime();
            String why = Scenario.failure(br.initiate("gateway"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("while away: initiation failed after " + ms + " ms: " + why);
            assertTrue(ms < 3_000, "failed after " + ms + " ms: " + why);
        }
    }

    /** Milliseconds from now until a fresh branch office establishes an IKE SA with {@code gw} (bounded). */
    private static long establishAgain(Side gw, ConnectionYaml branch) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + BOUND.toNanos();
        AssertionError last = null;
        while (System.nanoTime() < deadline) {
            try (Side br = scenario.start("branch", branch)) {
                Scenario.establish(br, gw);
                return (System.nanoTime() - t0) / 1_000_000;
            } catch (Exception e) {
                last = new AssertionError(e);
            }
            Thread.sleep(50);
        }
        throw last != null ? last : new AssertionError("no attempt");
    }

    private static void assertRecovered(Token token) {
        assertEquals(TokenHealth.State.READY, token.health().state());
        assertTrue(token.health().generation() >= 1, "the token was reopened, not restarted");
        List<Scenario.Audited> log = scenario.auditLog();
        assertTrue(log.stream()
                .anyMatch(a -> a.op().equals("token-fault") && token.name().equals(a.token())));
        assertTrue(log.stream()
                .anyMatch(a -> a.op().equals("token-recovered") && token.name().equals(a.token())));
    }
}
