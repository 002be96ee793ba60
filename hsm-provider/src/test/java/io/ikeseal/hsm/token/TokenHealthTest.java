package io.ikeseal.hsm.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.ProviderException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.api.InvalidPeerValueException;
import io.ikeseal.hsm.audit.AuditRecord;

/**
 * The recovery state machine on a manual clock and scheduler (issue 9 item 4): which failures are token faults,
 * RECOVERING refuses at once, retries back off, a recovery is recorded once, a refused PIN stops it for good.
 */
class TokenHealthTest {
    static final TokenOperation SIGN = new TokenOperation("sign", "CKM_ECDSA", "gw");
    static final Pkcs11Module.SlotInfo SLOT = new Pkcs11Module.SlotInfo(7, "t", "m", "m", "s", 0);

    /** Tasks with their delays; run one by one, advancing the clock. */
    final Queue<Runnable> tasks = new ArrayDeque<>();

    final List<Long> delays = new ArrayList<>();
    long now;
    final MemoryAuditSink audit = new MemoryAuditSink();
    final Queue<Object> reopenResults = new ArrayDeque<>(); // Exception to throw, or null for success
    int reopens;

    TokenHealth health() {
        TokenSession first = new TokenSession(null, null, SLOT, 0, "C_Login");
        return new TokenHealth(
                "t",
                audit,
                first,
                broken -> {
                    reopens++;
                    Object r = reopenResults.poll();
                    if (r instanceof Exception e) {
                        throw e;
                    }
                    return new TokenSession(null, null, SLOT, broken.generation() + 1, "C_Login");
                },
                (task, delay) -> {
                    tasks.add(task);
                    delays.add(delay);
                },
                () -> now,
                new ReentrantReadWriteLock());
    }

    void runNext(long advanceMillis) {
        now += advanceMillis * 1_000_000;
        tasks.remove().run();
    }

    static PKCS11Exception ckr(long code) {
        return new PKCS11Exception(code, null);
    }

    @ParameterizedTest
    @ValueSource(
            longs = {
                0x32L /* CKR_DEVICE_REMOVED */,
                0xE0L /* CKR_TOKEN_NOT_PRESENT */,
                0xB3L /* CKR_SESSION_HANDLE_INVALID */,
                0xB0L /* CKR_SESSION_CLOSED */,
                0x82L /* CKR_OBJECT_HANDLE_INVALID */,
                0x60L /* CKR_KEY_HANDLE_INVALID */,
                0x30L /* CKR_DEVICE_ERROR */,
                0x05L /* CKR_GENERAL_ERROR */,
                0x101L /* CKR_USER_NOT_LOGGED_IN */
            })
    void theseAreTokenFaults(long code) {
        // as SunPKCS11 throws them: a PKCS11Exception inside a ProviderException
        assertTrue(TokenFaults.faultOf(new ProviderException("Initialization failed", ckr(code))) != null);
    }

    @ParameterizedTest
    @ValueSource(
            longs = {
                0x13L /* CKR_ATTRIBUTE_VALUE_INVALID */,
                0xD0L /* CKR_TEMPLATE_INCOMPLETE */,
                0x63L /* CKR_KEY_TYPE_INCONSISTENT */,
                0x70L /* CKR_MECHANISM_INVALID */,
                0x31L /* CKR_DEVICE_MEMORY */,
                0xA0L /* CKR_PIN_INCORRECT */
            })
    void refusalsAreNotFaults(long code) {
        assertNull(TokenFaults.faultOf(new ProviderException("refused", ckr(code))));
    }

    @Test
    void anOrdinaryRefusalChangesNothing() {
        TokenHealth h = health();
        assertFalse(h.observe(SIGN, new InvalidPeerValueException("bad point", null), h.session()));
        assertFalse(h.observe(SIGN, new TokenException("no pre-shared key 'x'"), h.session()));
        assertFalse(h.observe(SIGN, new ProviderException("refused", ckr(0xD0L)), h.session()));
        assertEquals(TokenHealth.State.READY, h.state());
        assertTrue(h.admit().isEmpty());
        assertTrue(tasks.isEmpty());
        assertTrue(audit.records().isEmpty());
    }

    @Test
    void aFaultRefusesCallsUntilARecoveryWithBackoffSucceeds() {
        TokenHealth h = health();
        TokenSession before = h.session();
        assertTrue(h.observe(SIGN, new ProviderException("Initialization failed", ckr(0x30L)), before));
        assertEquals(TokenHealth.State.RECOVERING, h.state());
        assertTrue(h.admit().orElseThrow().contains("recovering"), h.admit().toString());
        // a second failure, of a call that was already running, starts no second recovery
        assertTrue(h.observe(SIGN, new ProviderException("x", ckr(0xB3L)), before));
        assertEquals(1, tasks.size());

        reopenResults.add(new TokenException("no token matches"));
        reopenResults.add(new TokenException("key 'gw' not found"));
        reopenResults.add(new TokenException("key 'gw' not found"));
        runNext(0);
        runNext(delays.get(1));
        runNext(delays.get(2));
        assertEquals(List.of(0L, 50L, 100L, 200L), delays, "retries back off");
        assertEquals(TokenHealth.State.RECOVERING, h.state());
        runNext(delays.get(3));
        assertEquals(TokenHealth.State.READY, h.state());
        assertEquals(1, h.generation());
        assertTrue(tasks.isEmpty(), "no attempt after the recovery");
        assertEquals(4, reopens);

        List<AuditRecord> records = audit.records();
        assertEquals(
                List.of("token-fault", "token-recovered"),
                records.stream().map(AuditRecord::operation).toList());
        assertEquals("CKR_DEVICE_ERROR", records.get(0).result());
        assertEquals("sign", records.get(0).keyRef());
        assertEquals("ok", records.get(1).result());
        assertEquals(350_000, records.get(1).durationMicros(), "outage from fault to recovery on the manual clock");

        // a call from before the recovery failing late does not reopen the new session
        assertTrue(h.observe(SIGN, new ProviderException("x", ckr(0xB3L)), before));
        assertEquals(TokenHealth.State.READY, h.state());
        assertTrue(tasks.isEmpty());
    }

    @Test
    void backoffIsCapped() {
        TokenHealth h = health();
        h.observe(SIGN, new ProviderException("x", ckr(0x05L)), h.session());
        for (int i = 0; i < 12; i++) {
            reopenResults.add(new TokenException("still away"));
            runNext(delays.get(delays.size() - 1));
        }
        assertEquals(TokenHealth.MAX_RETRY_MS, delays.get(delays.size() - 1));
        assertEquals(TokenHealth.State.RECOVERING, h.state());
    }

    @Test
    void aRefusedPinStopsRecoveryForGood() {
        TokenHealth h = health();
        h.observe(SIGN, new ProviderException("x", ckr(0x32L)), h.session());
        reopenResults.add(new PinRefusedException("login refused (CKR_PIN_INCORRECT)", "CKR_PIN_INCORRECT"));
        runNext(0);
        assertEquals(TokenHealth.State.FAILED, h.state());
        assertTrue(tasks.isEmpty(), "no login is tried again");
        assertTrue(h.admit().orElseThrow().contains("not retried"), h.admit().toString());
        assertEquals(1, reopens);
        assertEquals(
                List.of("token-fault", "token-recovery-failed"),
                audit.records().stream().map(AuditRecord::operation).toList());
        assertEquals("CKR_PIN_INCORRECT", audit.records().get(1).result());
    }

    @Test
    void closingStopsRecovery() {
        TokenHealth h = health();
        h.observe(SIGN, new ProviderException("x", ckr(0x32L)), h.session());
        h.close();
        runNext(0);
        assertEquals(0, reopens);
    }
}
