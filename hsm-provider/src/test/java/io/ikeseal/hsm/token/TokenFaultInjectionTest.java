package io.ikeseal.hsm.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.ProviderException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.kx.KeyExchange;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * Faults injected into a real token's call path (issue 9 item 4): the call that hits one fails with its code, calls
 * are refused at once while the token is reopened (without running), the real reopen (fresh login, key-exchange
 * self-test) brings it back, and a slow call is no fault at all.
 */
class TokenFaultInjectionTest {
    static final NssExtension nss = NssExtension.create().withName("faults");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    static final TokenOperation OP = new TokenOperation("probe", "-", "k");
    /** While set, the reopened token waits here before it may take calls: the test sees RECOVERING for sure. */
    static final AtomicReference<CountDownLatch> HOLD = new AtomicReference<>();

    /** What the wrapper makes the token's call throw, as SunPKCS11 would. */
    enum Fault {
        DEVICE_ERROR("CKR_DEVICE_ERROR"),
        SESSION_INVALID("CKR_SESSION_HANDLE_INVALID"),
        REMOVAL_REPORTED("CKR_DEVICE_REMOVED"),
        REMOVAL_NOTICED_BY_SUNPKCS11(null);

        final String ckr;

        Fault(String ckr) {
            this.ckr = ckr;
        }

        RuntimeException thrown() {
            return switch (this) {
                case DEVICE_ERROR -> new ProviderException("C_Sign failed", new PKCS11Exception(0x30L, null));
                case SESSION_INVALID ->
                    new ProviderException("Initialization failed", new PKCS11Exception(0xB3L, null));
                case REMOVAL_REPORTED -> new ProviderException("C_Derive failed", new PKCS11Exception(0x32L, null));
                case REMOVAL_NOTICED_BY_SUNPKCS11 -> new ProviderException("Token has been removed");
            };
        }
    }

    /** The fault-injecting wrapper: the body fails as the token would, after doing nothing. */
    static <T> TokenCall<T> failing(Fault f) {
        return () -> {
            throw f.thrown();
        };
    }

    @BeforeAll
    static void holdRecoveryWhenAsked() {
        opened.token().onRecovery((provider, keyStore) -> {
            CountDownLatch hold = HOLD.get();
            if (hold != null && !hold.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test never released the recovery");
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void anInjectedFaultFailsItsCallRefusesOthersAndRecovers(Fault f) throws Exception {
        Token t = opened.token();
        int generation = t.health().generation();
        CountDownLatch hold = new CountDownLatch(1);
        HOLD.set(hold);
        try {
            TokenException hit = assertThrows(TokenException.class, () -> Token.await(t.call(OP, null, failing(f))));
            assertEquals(f.ckr, hit.ckr(), hit.getMessage());
            assertEquals(TokenHealth.State.RECOVERING, t.health().state());

            AtomicInteger ran = new AtomicInteger();
            long t0 = System.nanoTime();
            TokenException refused =
                    assertThrows(TokenException.class, () -> Token.await(t.call(OP, null, ran::incrementAndGet)));
            long us = (System.nanoTime() - t0) / 1000;
            assertTrue(refused.getMessage().contains("not run: token is recovering"), refused.getMessage());
            assertEquals(0, ran.get(), "a refused call never reaches the token");
            assertTrue(us < 100_000, "refused in " + us + " us");
        } finally {
            HOLD.set(null);
            hold.countDown();
        }
        awaitReady(t);
        assertEquals(generation + 1, t.health().generation());
        // real token work on the reopened session
        Token.await(new KeyExchange(t).generate(DhGroup.ECP_256, AuditContext.NONE))
                .destroy();
    }

    @Test
    void aCallQueuedBeforeTheFaultIsRefusedWithoutRunning() throws Exception {
        Token t = opened.token();
        CountDownLatch hold = new CountDownLatch(1);
        HOLD.set(hold);
        CountDownLatch fail = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        try {
            // both executor threads busy, a third call waits in the queue
            CompletableFuture<Object> faulting = t.call(OP, null, () -> {
                fail.await(10, TimeUnit.SECONDS);
                throw Fault.DEVICE_ERROR.thrown();
            });
            CountDownLatch started = new CountDownLatch(2);
            CompletableFuture<Object> busy = t.call(OP, null, () -> {
                started.countDown();
                return finish.await(10, TimeUnit.SECONDS);
            });
            CompletableFuture<Integer> queued = t.call(OP, null, ran::incrementAndGet);
            started.countDown();
            assertTrue(started.await(10, TimeUnit.SECONDS), "the second executor thread took its call");
            fail.countDown();
            assertThrows(TokenException.class, () -> Token.await(faulting));
            finish.countDown();
            Token.await(busy);
            TokenException refused = assertThrows(TokenException.class, () -> Token.await(queued));
            assertTrue(refused.getMessage().contains("not run: token is recovering"), refused.getMessage());
            assertEquals(0, ran.get());
        } finally {
            HOLD.set(null);
            hold.countDown();
            fail.countDown();
            finish.countDown();
        }
        awaitReady(t);
    }

    @Test
    void aSlowTokenIsNoFault() throws Exception {
        Token t = opened.token();
        int generation = t.health().generation();
        int faults = opened.audit().byOperation("token-fault").size();
        CompletableFuture<Integer> slow = t.call(OP, null, () -> {
            Thread.sleep(400);
            return 1;
        });
        // the other executor thread keeps serving while the slow call runs
        assertEquals(2, Token.await(t.call(OP, null, () -> 2)));
        assertEquals(1, Token.await(slow));
        assertEquals(TokenHealth.State.READY, t.health().state());
        assertEquals(generation, t.health().generation());
        assertEquals(faults, opened.audit().byOperation("token-fault").size());
    }

    @Test
    void anOrdinaryRefusalIsNoFault() {
        Token t = opened.token();
        int generation = t.health().generation();
        for (var refusal : List.of(
                new ProviderException("x", new PKCS11Exception(0xD0L /* CKR_TEMPLATE_INCOMPLETE */, null)),
                new IllegalArgumentException("bad peer value"))) {
            assertThrows(
                    TokenException.class,
                    () -> Token.await(t.call(OP, null, () -> {
                        throw refusal;
                    })));
        }
        assertEquals(TokenHealth.State.READY, t.health().state());
        assertEquals(generation, t.health().generation());
    }

    private static void awaitReady(Token t) throws InterruptedException {
        for (int i = 0; i < 500 && t.health().state() != TokenHealth.State.READY; i++) {
            Thread.sleep(10);
        }
        assertEquals(TokenHealth.State.READY, t.health().state());
    }
}
