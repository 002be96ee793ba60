package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.established;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.queue;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.sa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.WireWriter;

/**
 * Issue 9 item 5: a CHILD_SA is installed and announced only once its IKE SA is established on our side, and every
 * announced installation has its removal event.
 */
class ChildSaEventsTest {

    @Test
    void whenOurOwnAuthFailsTheResponderNeitherInstallsNorAnnouncesTheChildSa() {
        ExchangePair pair = new ExchangePair();
        pair.responder.crypto.failPskAuthCall(2); // 1: the check of the initiator's AUTH, 2: our own
        CompletableFuture<IkeSaInfo> f = pair.initiate();
        assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));

        assertEquals(1, pair.responder.crypto.calls("childKeymat"), "KEYMAT may be derived early");
        assertTrue(pair.responder.installer.installed().isEmpty());
        assertEquals(1, pair.responder.events.size(), pair.responder.events.toString());
        assertTrue(
                pair.responder.events.getFirst().startsWith("failed: our AUTH failed"),
                pair.responder.events.toString());
        assertTrue(pair.initiator.installer.installed().isEmpty());
        assertTrue(
                pair.initiator.events.stream().noneMatch(e -> e.startsWith("child")), pair.initiator.events.toString());
    }

    @Test
    void deletingTheIkeSaAnnouncesTheRemovalOfEachInstalledChildSaOnBothEnds() throws Exception {
        ExchangePair pair = new ExchangePair();
        established(pair);
        pair.initiator.gateway.deleteAll("bye", Duration.ofSeconds(5));
        assertEquals(List.of("child: net", "established", "child deleted: net", "deleted: bye"), pair.initiator.events);
        assertEquals(
                List.of("child: net", "established", "child deleted: net", "deleted: deleted by the peer"),
                pair.responder.events);
    }

    @Test
    void aChildSaDeletedByThePeerIsAnnouncedOnce() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        ChildSaRecord mine = pair.initiator.installer.installed().getFirst();
        IkeSa sa = sa(pair.initiator, info);
        CompletableFuture<IkeMessage> answer = new CompletableFuture<>();
        DeletePayload delete = new DeletePayload(
                ProtocolId.ESP,
                List.of(new WireWriter(4).u32(mine.inboundSpi() & 0xffffffffL).array()));
        queue(sa, new InitiatorTask() {
            @Override
            public void start() {
                sa.tasks().send(this, ExchangeType.INFORMATIONAL, List.of(delete));
            }

            @Override
            public void onResponse(IkeMessage response, IkeDatagram datagram) {
                answer.complete(response);
            }
        });
        answer.get(5, TimeUnit.SECONDS);
        assertEquals(List.of("child: net", "established", "child deleted: net"), pair.responder.events);

        pair.responder.gateway.deleteAll("bye", Duration.ofSeconds(5));
        assertEquals(
                1,
                pair.responder.events.stream()
                        .filter("child deleted: net"::equals)
                        .count());
    }

    /**
     * The initiator derives its CHILD_SA's KEYMAT after checking the responder's AUTH, in the token, asynchronously;
     * while that is pending nothing is installed or announced, and once it arrives the CHILD_SA is installed and
     * announced with the IKE SA already ESTABLISHED, and removed again (with its event) when the IKE SA goes.
     */
    @Test
    void theInitiatorInstallsAndAnnouncesItsChildSaOnlyOnceTheIkeSaIsEstablished() throws Exception {
        ExchangePair pair = new ExchangePair();
        CompletableFuture<Void> keymat = pair.initiator.crypto.holdChildKeymat();
        List<String> seen = watchStates(pair);
        CompletableFuture<IkeSaInfo> f = pair.initiate();

        IkeSa sa = initiatorSa(pair);
        assertEquals(IkeSaState.AUTHENTICATING, sa.state(), "the responder's AUTH is checked, KEYMAT pending");
        assertFalse(f.isDone());
        assertEquals(1, pair.initiator.crypto.calls("childKeymat"));
        assertTrue(pair.initiator.installer.installed().isEmpty());
        assertEquals(List.of(), pair.initiator.events);

        keymat.complete(null);
        IkeSaInfo info = ExchangeEngineTest.get(f);
        assertEquals(List.of("child: net in ESTABLISHED", "established in ESTABLISHED"), seen);
        assertEquals(1, pair.initiator.installer.installed().size());
        assertEquals(1, info.children().size(), "the IKE SA's event lists its CHILD_SA");

        pair.initiator.gateway.deleteAll("bye", Duration.ofSeconds(5));
        assertEquals(List.of("child: net", "established", "child deleted: net", "deleted: bye"), pair.initiator.events);
        assertTrue(pair.initiator.installer.installed().isEmpty());
    }

    /**
     * The token fails the initiator's KEYMAT (the asynchronous step): the IKE SA is established all the same (§1.2: a
     * CHILD_SA error leaves it standing), the CHILD_SA's failure is announced in that state and nothing installed,
     * and the responder is told to delete its half (§1.4.1), which it announces.
     */
    @Test
    void aKeymatFailureAtTheInitiatorIsAnnouncedOnTheEstablishedSaAndThePeersHalfIsDeleted() throws Exception {
        ExchangePair pair = new ExchangePair();
        CompletableFuture<Void> keymat = pair.initiator.crypto.holdChildKeymat();
        List<String> seen = watchStates(pair);
        CompletableFuture<IkeSaInfo> f = pair.initiate();
        assertEquals(List.of("child: net", "established"), pair.responder.events);

        keymat.completeExceptionally(new IllegalStateException("token fault injected by the test"));
        IkeSaInfo info = ExchangeEngineTest.get(f);
        assertEquals(2, seen.size(), seen.toString());
        assertTrue(
                seen.getFirst().matches("child failed: KEYMAT: .*token fault injected by the test.* in ESTABLISHED"),
                seen.toString());
        assertEquals("established in ESTABLISHED", seen.get(1));
        assertTrue(pair.initiator.installer.installed().isEmpty());
        assertEquals(List.of(), info.children());
        ExchangeEngineTest.idle(sa(pair.responder, info));
        assertEquals(List.of("child: net", "established", "child deleted: net"), pair.responder.events);
        assertTrue(pair.responder.installer.installed().isEmpty());

        pair.initiator.gateway.deleteAll("bye", Duration.ofSeconds(5));
        assertTrue(
                pair.initiator.events.stream().noneMatch(e -> e.startsWith("child deleted")),
                "no removal for a CHILD_SA never installed: " + pair.initiator.events);
    }

    /** The IKE SA ends while the initiator's KEYMAT is pending: when it arrives nothing is installed or announced. */
    @Test
    void anIkeSaThatEndsDuringTheKeymatStepNeverInstallsItsChildSa() throws Exception {
        ExchangePair pair = new ExchangePair();
        CompletableFuture<Void> keymat = pair.initiator.crypto.holdChildKeymat();
        CompletableFuture<IkeSaInfo> f = pair.initiate();
        pair.initiator.gateway.deleteAll("stopping", Duration.ofSeconds(5));
        assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));

        keymat.complete(null);
        assertTrue(pair.initiator.installer.installed().isEmpty());
        assertEquals(List.of("failed: stopping"), pair.initiator.events);
    }

    /** Records each event of the initiator with the state its IKE SA is in when it is reported. */
    private static List<String> watchStates(ExchangePair pair) {
        List<String> seen = new ArrayList<>();
        pair.initiator.watcher = e -> seen.add(e + " in " + initiatorSa(pair).state());
        return seen;
    }

    /** The initiator's IKE SA, by the SPI of the first message it sent. */
    private static IkeSa initiatorSa(ExchangePair pair) {
        long spiI = pair.network.log().getFirst().header().initiatorSpi();
        return pair.initiator.gateway.sa(spiI).orElseThrow();
    }
}
