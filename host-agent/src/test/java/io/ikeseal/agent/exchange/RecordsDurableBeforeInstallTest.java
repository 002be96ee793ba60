package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.expect;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.config.ChildLifetimes;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * A step that installs a CHILD_SA first waits, as a future and off the SA's executor, for the audit barrier of its SA
 * (docs/audit.md): the installer's own synchronous wait then finds the records forced, and no SA thread sleeps through
 * a group commit. Scripted on the in-memory pair with the barrier held: nothing is installed, announced or answered
 * while it is pending, and the SA's executor stays free for other work.
 */
class RecordsDurableBeforeInstallTest {
    @Test
    void theResponderInstallsAndAnswersIkeAuthOnlyOnceItsRecordsAreDurable() throws Exception {
        ExchangePair pair = new ExchangePair();
        CompletableFuture<Void> commit = new CompletableFuture<>();
        pair.responder.barrier = commit;
        CompletableFuture<IkeSaInfo> up = pair.initiate();
        expect("the responder waits for a barrier", () -> pair.responder.barriers.size() == 1);
        // the barrier of this SA: its initiator SPI, as the audit records carry it
        IkeSa sa = pair.responder
                .gateway
                .sa(Long.parseUnsignedLong(pair.responder.barriers.getFirst(), 16))
                .orElseThrow();
        assertEquals(List.of(), pair.responder.keys.installs, "nothing installed before the records are durable");
        assertFalse(pair.responder.events.contains("established"));
        assertFalse(up.isDone(), "no IKE_AUTH answer left");
        CompletableFuture<Void> other = new CompletableFuture<>();
        sa.exec().execute(() -> other.complete(null));
        assertTrue(other.isDone(), "the SA's executor is not held while the barrier is pending");
        commit.complete(null);
        get(up);
        assertEquals(1, pair.responder.keys.installs.size());
        assertEquals(List.of("child: net", "established"), pair.responder.events);
    }

    @Test
    void theInitiatorInstallsTheFirstChildSaOnlyOnceItsRecordsAreDurable() throws Exception {
        ExchangePair pair = new ExchangePair();
        CompletableFuture<Void> commit = new CompletableFuture<>();
        pair.initiator.barrier = commit;
        CompletableFuture<IkeSaInfo> up = pair.initiate();
        expect("the responder established", () -> pair.responder.events.contains("established"));
        assertEquals(List.of(), pair.initiator.keys.installs);
        assertFalse(up.isDone());
        assertFalse(pair.initiator.barriers.isEmpty());
        commit.complete(null);
        get(up);
        assertEquals(List.of("child: net", "established"), pair.initiator.events);
        assertEquals(1, pair.initiator.keys.installs.size());
    }

    private static final List<ChildConfig> TWO = List.of(
            ExchangePair.child("net", "aes256gcm16", ChildLifetimes.DEFAULT),
            ExchangePair.child("voice", "aes256gcm16", ChildLifetimes.DEFAULT));

    @Test
    void createChildSaInstallsOnlyOnceTheRecordsAreDurableAtEitherEnd() throws Exception {
        for (boolean heldAtResponder : new boolean[] {true, false}) {
            ExchangePair pair = new ExchangePair(ExchangeSettings.DEFAULT, TWO, TWO);
            ExchangePair.Side held = heldAtResponder ? pair.responder : pair.initiator;
            ExchangePair.Side other = heldAtResponder ? pair.initiator : pair.responder;
            CompletableFuture<Void> commit = new CompletableFuture<>();
            // IKE_AUTH goes through; the group commit that 'voice' (CREATE_CHILD_SA, right after it) needs is held
            held.watcher = e -> {
                if (e.equals("established")) {
                    held.barrier = commit;
                }
            };
            get(pair.initiate());
            String where = heldAtResponder ? "responder" : "initiator";
            // held at the initiator, the responder answered and installed both; held at the responder, no answer yet
            expect(
                    "the other end's installs (" + where + " held)",
                    () -> other.keys.installs.size() == (heldAtResponder ? 1 : 2));
            assertEquals(1, held.keys.installs.size(), "only the IKE_AUTH CHILD_SA installed at the " + where);
            long children =
                    held.events.stream().filter(e -> e.startsWith("child: ")).count();
            assertEquals(1, children, where);
            commit.complete(null);
            assertEquals(2, held.keys.installs.size(), where);
            assertEquals(
                    2, held.events.stream().filter(e -> e.startsWith("child: ")).count(), where);
            // (a responder names the second CHILD_SA by the first configuration its selectors fit: 'net' again)
            assertEquals(List.of("child: net", "established", "child: voice"), pair.initiator.events, where);
        }
    }
}
