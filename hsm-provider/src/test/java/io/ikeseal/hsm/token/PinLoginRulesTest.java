package io.ikeseal.hsm.token;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.ProviderException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import sun.security.pkcs11.wrapper.PKCS11Constants;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.TestTokens;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.sign.SignatureScheme;
import io.ikeseal.hsm.sign.TokenIdentity;
import io.ikeseal.hsm.startup.TokenStartup;
import io.ikeseal.testhsm.IdentitySpec;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * The login rules of docs/operations-pin.md against a real SoftHSM token, seen through p11trace so the test can make it
 * report a final PIN try or a PIN pad and can read every C_Login it got: PIN files refused for their mode or type,
 * CKF_USER_PIN_FINAL_TRY refused at start and at a recovery's re-login, a PIN pad logged into with a NULL PIN, and
 * CKA_ALWAYS_AUTHENTICATE keys signing after a context-specific login (which SoftHSM enforces). No PIN ever reaches a
 * log line, an exception message or an audit record.
 */
class PinLoginRulesTest {
    @RegisterExtension
    static final SoftHsmExtension smartcard = SoftHsmExtension.withIdentities(
                    IdentitySpec.of("plain", KeyKind.EC_P256, "CN=plain.example", "plain.example"))
            .withLabel("pin-rules");

    private static final byte[] OCTETS = {1, 2, 3, 4};
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    private static final List<String> SEEN = new ArrayList<>();
    private static final List<MemoryAuditSink> AUDITS = new ArrayList<>();
    private static String pin;
    private static int made;

    @BeforeAll
    static void keysAndLogCapture() {
        smartcard
                .token()
                .generateAlwaysAuthenticateIdentity(
                        IdentitySpec.of("card-ec", KeyKind.EC_P256, "CN=card-ec.example", "card-ec.example"),
                        smartcard.ca());
        smartcard
                .token()
                .generateAlwaysAuthenticateIdentity(
                        IdentitySpec.of("card-rsa", KeyKind.RSA_2048, "CN=card-rsa.example", "card-rsa.example"),
                        smartcard.ca());
        pin = new String(smartcard.token().pin());
        LOGS.start();
        root().addAppender(LOGS);
    }

    @AfterAll
    static void stopLogCapture() {
        root().detachAppender(LOGS);
    }

    private static ch.qos.logback.classic.Logger root() {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** The PIN is in no log line, no exception message this test saw and no audit record. */
    @AfterEach
    void noPinAnywhere() {
        for (ILoggingEvent e : LOGS.list) {
            SEEN.add(e.getFormattedMessage());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                SEEN.add(t.getMessage());
            }
        }
        for (MemoryAuditSink a : AUDITS) {
            a.records().forEach(r -> SEEN.add(r.toString()));
        }
        assertFalse(SEEN.isEmpty());
        for (String s : SEEN) {
            assertFalse(s != null && s.contains(pin), () -> "the PIN leaked into: " + s);
        }
    }

    private static EmulatedSoftHsm emulated(boolean pinPad) {
        return EmulatedSoftHsm.of(
                smartcard.token(), nextName(), pinPad ? smartcard.token().pin() : null);
    }

    private static String nextName() {
        made++;
        return "pin-" + made;
    }

    private static MemoryAuditSink audit() {
        MemoryAuditSink a = TestTokens.memoryAudit();
        AUDITS.add(a);
        return a;
    }

    private static TokenException refused(TokenSpec spec, MemoryAuditSink audit) {
        TokenException e = assertThrows(TokenException.class, () -> TokenStartup.open(spec, audit));
        SEEN.add(e.getMessage());
        return e;
    }

    @Test
    void pinFileLogsInOnlyWhileOwnerOnlyAndRegular() throws Exception {
        EmulatedSoftHsm token = emulated(false);
        Path file = smartcard.token().dir().resolve("owner-only.pin");
        Files.writeString(file, pin + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        try (Token t = TokenStartup.open(token.spec(smartcard.token(), PinSource.file(file)), audit())) {
            assertEquals(List.of("0x1 0x0 <redacted:20>"), token.logins(), "one user login, the newline stripped");
            assertEquals("ok", Token.await(t.call(new TokenOperation("probe", "-", "-"), null, () -> "ok")));
        }

        EmulatedSoftHsm fresh = emulated(false);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        TokenException groupReadable = refused(fresh.spec(smartcard.token(), PinSource.file(file)), audit());
        assertTrue(groupReadable.getMessage().contains("has mode rw-r-----"), groupReadable.getMessage());
        assertTrue(groupReadable.getMessage().contains("refused (chmod 600 " + file + ")"), groupReadable.getMessage());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-----w-"));
        TokenException worldWritable = refused(fresh.spec(smartcard.token(), PinSource.file(file)), audit());
        assertTrue(worldWritable.getMessage().contains("group or others may read or write it"));

        Path dir = Files.createDirectories(smartcard.token().dir().resolve("a-directory.pin"));
        TokenException notRegular = refused(fresh.spec(smartcard.token(), PinSource.file(dir)), audit());
        assertTrue(notRegular.getMessage().contains("is not a regular file (a directory)"), notRegular.getMessage());
        assertEquals(List.of(), fresh.logins(), "a refused PIN source never reaches C_Login");
    }

    @Test
    void finalPinTryBlocksTheStartUpLogin() {
        EmulatedSoftHsm token = emulated(false);
        token.claimFlags(PKCS11Constants.CKF_USER_PIN_FINAL_TRY);
        MemoryAuditSink audit = audit();
        TokenException e = refused(
                token.spec(smartcard.token(), PinSource.file(smartcard.token().pinFile())), audit);
        assertTrue(e.getMessage().contains("final PIN try (CKF_USER_PIN_FINAL_TRY)"), e.getMessage());
        assertTrue(e.getMessage().contains("not logged into automatically"), e.getMessage());
        assertEquals(List.of(), token.logins());
        List<AuditRecord> logins = audit.byOperation("login");
        assertEquals(1, logins.size());
        assertEquals("CKF_USER_PIN_FINAL_TRY", logins.get(0).result());
    }

    @Test
    void finalPinTryBlocksTheReLoginOfARecovery() throws Exception {
        EmulatedSoftHsm token = emulated(false);
        MemoryAuditSink audit = audit();
        try (Token t = TokenStartup.open(
                token.spec(smartcard.token(), PinSource.file(smartcard.token().pinFile())), audit)) {
            assertEquals(1, token.logins().size());
            token.claimFlags(PKCS11Constants.CKF_USER_PIN_FINAL_TRY);
            TokenException hit = assertThrows(
                    TokenException.class,
                    () -> Token.await(t.call(new TokenOperation("probe", "-", "-"), null, () -> {
                        throw new ProviderException("C_Sign failed", new PKCS11Exception(0x30L, null));
                    })));
            assertEquals("CKR_DEVICE_ERROR", hit.ckr());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (t.health().state() != TokenHealth.State.FAILED && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(TokenHealth.State.FAILED, t.health().state());
            List<AuditRecord> failed = audit.byOperation("token-recovery-failed");
            assertEquals(1, failed.size());
            assertEquals("CKF_USER_PIN_FINAL_TRY", failed.get(0).result());
            assertEquals(1, token.logins().size(), "the recovery never tried C_Login");
            TokenException refusedCall = assertThrows(
                    TokenException.class,
                    () -> Token.await(t.call(new TokenOperation("probe", "-", "-"), null, () -> "ran")));
            SEEN.add(refusedCall.getMessage());
        }
    }

    @Test
    void pinPadLogsInWithoutAPinFromTheHost() throws Exception {
        EmulatedSoftHsm token = emulated(true);
        // a PIN source that cannot be read: a PIN pad token must not need it
        PinSource unreadable = PinSource.file(smartcard.token().dir().resolve("no-such.pin"));
        try (Token t = TokenStartup.open(token.spec(smartcard.token(), unreadable), audit())) {
            assertEquals(List.of("0x1 0x0 - pinpad"), token.logins(), "C_Login(CKU_USER, NULL), the pad gave the PIN");
            TokenIdentity id = TokenIdentity.find(t, "card-ec");
            byte[] rs = Token.await(id.sign(SignatureScheme.ECDSA_P256_SHA256, OCTETS, AuditContext.NONE));
            assertVerifies(id, "SHA256withECDSAinP1363Format", rs);
            assertEquals(List.of("0x1 0x0 - pinpad", "0x2 0x0 - pinpad"), token.logins());
        }
    }

    @Test
    void alwaysAuthenticateKeysSignAfterAContextSpecificLogin() throws Exception {
        EmulatedSoftHsm token = emulated(false);
        MemoryAuditSink audit = audit();
        try (Token t = TokenStartup.open(
                token.spec(smartcard.token(), PinSource.file(smartcard.token().pinFile())), audit)) {
            TokenIdentity plain = TokenIdentity.find(t, "plain");
            TokenIdentity ec = TokenIdentity.find(t, "card-ec");
            TokenIdentity rsa = TokenIdentity.find(t, "card-rsa");
            assertFalse(plain.alwaysAuthenticate());
            assertTrue(ec.alwaysAuthenticate());
            assertTrue(rsa.alwaysAuthenticate());

            // SoftHSM enforces the attribute: SunPKCS11's own C_SignInit + C_Sign is refused
            Exception plainJca = assertThrows(
                    Exception.class,
                    () -> Token.await(t.call(new TokenOperation("jca-sign", "-", "card-ec"), null, () -> {
                        Signature s = Signature.getInstance("SHA256withECDSA", t.provider());
                        s.initSign(ec.privateKey());
                        s.update(OCTETS);
                        return s.sign();
                    })));
            assertEquals("CKR_USER_NOT_LOGGED_IN", Pkcs11Module.ckrOf(plainJca), plainJca.toString());
            // ... which the token layer takes for a lost login: it reopens the token (one more C_Login)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (t.health().state() != TokenHealth.State.READY && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(TokenHealth.State.READY, t.health().state());

            int before = token.logins().size();
            byte[] rs = Token.await(ec.sign(SignatureScheme.ECDSA_P256_SHA256, OCTETS, AuditContext.NONE));
            assertVerifies(ec, "SHA256withECDSAinP1363Format", rs);
            byte[] auth14 = Token.await(ec.sign(SignatureScheme.ECDSA_SHA256, OCTETS, AuditContext.NONE));
            assertVerifies(ec, "SHA256withECDSA", java.util.Arrays.copyOfRange(auth14, 1 + auth14[0], auth14.length));
            byte[] pss = Token.await(rsa.sign(SignatureScheme.RSA_PSS_SHA256, OCTETS, AuditContext.NONE));
            Signature v = Signature.getInstance("RSASSA-PSS");
            v.setParameter(SignatureScheme.RSA_PSS_SHA256.pssParameters());
            v.initVerify(rsa.certificate().getPublicKey());
            v.update(OCTETS);
            assertTrue(v.verify(java.util.Arrays.copyOfRange(pss, 1 + pss[0], pss.length)), "RSASSA-PSS verifies");
            byte[] pkcs1 = Token.await(rsa.sign(SignatureScheme.RSA_PKCS1_SHA256, OCTETS, AuditContext.NONE));
            assertVerifies(rsa, "SHA256withRSA", java.util.Arrays.copyOfRange(pkcs1, 1 + pkcs1[0], pkcs1.length));
            Token.await(plain.sign(SignatureScheme.ECDSA_P256_SHA256, OCTETS, AuditContext.NONE));

            List<String> logins = token.logins();
            assertEquals(
                    List.of(
                            "0x2 0x0 <redacted:20>",
                            "0x2 0x0 <redacted:20>",
                            "0x2 0x0 <redacted:20>",
                            "0x2 0x0 <redacted:20>"),
                    logins.subList(before, logins.size()),
                    "one context-specific login per always-authenticate signature, none for the plain key");
            assertContextLoginBetweenSignInitAndSign(token);
            assertEquals(
                    4,
                    audit.byOperation("context-login").stream()
                            .filter(r -> r.result().equals("ok"))
                            .count());
        }
    }

    /**
     * Each context-specific login sits between a C_SignInit and the C_Sign of the same session, right after a
     * C_GetTokenInfo (the flags are read again before every login).
     */
    private static void assertContextLoginBetweenSignInitAndSign(EmulatedSoftHsm token) {
        var calls = token.trace().calls();
        int checked = 0;
        for (int i = 0; i < calls.size(); i++) {
            var c = calls.get(i);
            if (c.function().equals("C_Login") && "0x2".equals(c.field("userType"))) {
                String session = c.field("hSession");
                assertEquals(
                        "C_GetTokenInfo",
                        calls.get(i - 1).function(),
                        calls.get(i - 1).line());
                var before = calls.subList(0, i).reversed().stream()
                        .filter(p -> session.equals(p.field("hSession")))
                        .findFirst()
                        .orElseThrow();
                assertEquals("C_SignInit", before.function(), before.line());
                var after = calls.subList(i + 1, calls.size()).stream()
                        .filter(p -> session.equals(p.field("hSession")))
                        .findFirst()
                        .orElseThrow();
                assertEquals("C_Sign", after.function(), after.line());
                assertEquals("0x0", after.field("rv"));
                checked++;
            }
        }
        assertEquals(4, checked);
    }

    private static void assertVerifies(TokenIdentity id, String algorithm, byte[] signature) throws Exception {
        Signature v = Signature.getInstance(algorithm);
        v.initVerify(id.certificate().getPublicKey());
        v.update(OCTETS);
        assertTrue(v.verify(signature), algorithm + " verifies with the certificate's key");
    }
}
