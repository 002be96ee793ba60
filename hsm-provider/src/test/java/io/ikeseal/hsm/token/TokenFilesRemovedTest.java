package io.ikeseal.hsm.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.Provider;
import java.security.Signature;
import java.time.Duration;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.kx.KeyExchange;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.sign.SignatureScheme;
import io.ikeseal.hsm.sign.TokenIdentity;
import io.ikeseal.testhsm.IdentitySpec;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.junit.NssExtension;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * Real token files removed and restored under a running Token (issue 9 item 4): operations fail cleanly while they
 * are away and succeed again after the restore, without the test reopening anything. Prints the recovery time
 * (restore to first success).
 */
class TokenFilesRemovedTest {
    static final SoftHsmExtension smartcard = SoftHsmExtension.withIdentities(
                    IdentitySpec.of("gw", KeyKind.EC_P256, "CN=gw.example", "gw.example"))
            .withLabel("removed-id");

    @RegisterExtension
    static final OpenTokenExtension identity =
            OpenTokenExtension.softHsm(smartcard, ResidencyTier.SEALED, TokenRole.IDENTITY);

    static final NssExtension nss = NssExtension.create().withName("removed-kx");

    @RegisterExtension
    static final OpenTokenExtension kx = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    static final Duration BOUND = Duration.ofSeconds(20);

    @Test
    void softHsmTokenDirectoryMovedAwayAndBack() throws Exception {
        Token token = identity.token();
        MemoryAuditSink audit = identity.audit();
        TokenIdentity id = TokenIdentity.find(token, "gw");
        byte[] octets = {1, 2, 3, 4};
        Callable<byte[]> sign =
                () -> Token.await(id.sign(SignatureScheme.ECDSA_P256_SHA256, octets, AuditContext.NONE));
        assertVerifies(id, sign.call());
        Provider before = token.provider();

        Path tokens = smartcard.token().dir().resolve("tokens");
        Path away = smartcard.token().dir().resolve("tokens.away");
        Files.move(tokens, away);
        TokenException hit = assertThrows(TokenException.class, sign::call);
        assertEquals("CKR_OBJECT_HANDLE_INVALID", hit.ckr(), hit.getMessage());
        awaitFailsFast(sign);
        Thread.sleep(300); // several recovery attempts while the files are away
        assertEquals(TokenHealth.State.RECOVERING, token.health().state());

        Files.move(away, tokens);
        Duration recovery = awaitSuccess(sign, id);
        System.out.println("SoftHSM token directory restored: first signature after " + recovery.toMillis() + " ms");
        assertEquals(TokenHealth.State.READY, token.health().state());
        assertNotSame(before, token.provider(), "a fresh provider on the re-initialised module");
        assertRecorded(audit, "CKR_OBJECT_HANDLE_INVALID", "C_Finalize,C_Initialize,C_Login");
    }

    @Test
    void nssKeyAndCertDatabasesMovedAwayAndBack() throws Exception {
        Token token = kx.token();
        MemoryAuditSink audit = kx.audit();
        Token.await(PresharedKeys.importPsk(token, "branch", new byte[40], false));
        PresharedKeys psks = new PresharedKeys(token);
        Callable<Object> keyPad = () -> {
            var pad = Token.await(psks.keyPad(Prf.HMAC_SHA2_256, "branch", AuditContext.NONE));
            pad.destroy();
            return pad;
        };
        keyPad.call();

        Path db = nss.token().dbDir();
        Path away = Files.createDirectories(db.resolveSibling("db.away"));
        for (String f : new String[] {"key4.db", "cert9.db"}) {
            Files.move(db.resolve(f), away.resolve(f));
        }
        // NSS keeps doing session work (ECDH) but cannot read the stored PSK: CKR_GENERAL_ERROR
        TokenException hit = assertThrows(TokenException.class, keyPad::call);
        assertEquals("CKR_GENERAL_ERROR", hit.ckr(), hit.getMessage());
        awaitFailsFast(keyPad);
        Thread.sleep(300); // several recovery attempts: a fresh login works, the PSK read does not
        assertEquals(TokenHealth.State.RECOVERING, token.health().state());

        for (String f : new String[] {"key4.db", "cert9.db"}) {
            // NSS may have created an empty key4.db meanwhile; the restore replaces it
            Files.move(away.resolve(f), db.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        long t0 = System.nanoTime();
        awaitSuccessOf(keyPad);
        System.out.println("NSS key4.db/cert9.db restored: first PSK key pad after "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
        Token.await(new KeyExchange(token).generate(DhGroup.ECP_256, AuditContext.NONE))
                .destroy();
        assertRecorded(audit, "CKR_GENERAL_ERROR", "C_Login");
    }

    /** While the token recovers, calls are refused without reaching it. */
    private static void awaitFailsFast(Callable<?> op) {
        long t0 = System.nanoTime();
        TokenException refused = assertThrows(TokenException.class, op::call);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(refused.getMessage().contains("recovering"), refused.getMessage());
        assertTrue(ms < 1000, "refused in " + ms + " ms");
    }

    private static Duration awaitSuccess(Callable<byte[]> sign, TokenIdentity id) throws Exception {
        long t0 = System.nanoTime();
        assertVerifies(id, awaitSuccessOf(sign));
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static <T> T awaitSuccessOf(Callable<T> op) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        TokenException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return op.call();
            } catch (TokenException e) {
                last = e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no success within " + BOUND + "; last: " + last);
    }

    private static void assertVerifies(TokenIdentity id, byte[] authData) throws Exception {
        // RFC 4754 r|s: the verifier takes the P1363 form
        Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
        v.initVerify(id.certificate().getPublicKey());
        v.update(new byte[] {1, 2, 3, 4});
        assertTrue(v.verify(authData), "signature after recovery verifies with the certificate's key");
    }

    private static void assertRecorded(MemoryAuditSink audit, String fault, String how) {
        var faults = audit.byOperation("token-fault");
        var recovered = audit.byOperation("token-recovered");
        assertEquals(1, faults.size(), faults::toString);
        assertEquals(fault, faults.get(0).result());
        assertEquals(1, recovered.size(), recovered::toString);
        AuditRecord r = recovered.get(0);
        assertEquals("ok", r.result());
        assertEquals(how, r.mechanism());
        assertTrue(r.durationMicros() > 300_000, r::toString);
    }
}
