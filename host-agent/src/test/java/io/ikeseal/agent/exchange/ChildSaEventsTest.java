package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.established;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.queue;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.sa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
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
}
