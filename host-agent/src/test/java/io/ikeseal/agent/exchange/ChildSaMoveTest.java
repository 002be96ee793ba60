package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.idle;
import static io.ikeseal.agent.exchange.ExchangePair.child;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.ChildLifetimes;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * {@code ChildSaTable.moveTo}, what an IKE SA rekey uses (RFC 7296 §2.18): the CHILD_SAs change IKE SA without
 * leaving the installer, keep their deadlines, and are rekeyed, expired and deleted through the new IKE SA.
 */
class ChildSaMoveTest {

    @Test
    void movedChildSasKeepTheirKeysAndDeadlinesAndLiveOnInTheTargetIkeSa() throws Exception {
        ChildLifetimes l = ChildLifetimes.of(Duration.ZERO, Duration.ofMinutes(30), null);
        var children = List.of(child("net", "aes256gcm16", l));
        ExchangePair pair = new ExchangePair(ExchangeSettings.DEFAULT, children, children);
        IkeSaInfo first = get(pair.initiate());
        pair.scheduler.advance(Duration.ofMinutes(10));
        IkeSaInfo second = get(pair.initiate());
        ChildSaRecord moved = pair.initiator.installer.installed().getFirst();
        List<String> eventsBefore = List.copyOf(pair.initiator.events);

        for (ExchangePair.Side side : new ExchangePair.Side[] {pair.initiator, pair.responder}) {
            IkeSa from = ExchangeEngineTest.sa(side, first);
            IkeSa to = ExchangeEngineTest.sa(side, second);
            from.exec().execute(() -> from.children().moveTo(to));
            idle(to);
            assertEquals(2, to.children().entries().size());
            assertTrue(from.children().entries().isEmpty());
            to.children().list().forEach(r -> assertEquals(second.spiR(), r.ikeSpiR()));
        }
        ChildSaTests.samePairs(pair, 2);
        assertEquals(eventsBefore, pair.initiator.events, "a move is neither an installation nor a removal");

        ExchangeEngineTest.sa(pair.initiator, first)
                .exec()
                .execute(() -> ExchangeEngineTest.sa(pair.initiator, first).deleteIkeSa("replaced"));
        ChildSaTests.samePairs(pair, 2);

        pair.scheduler.advance(Duration.ofMinutes(20)); // the moved CHILD_SA's life-time ends, counted from its start
        List<ChildSaRecord> left = ChildSaTests.samePairs(pair, 1);
        assertTrue(left.stream().noneMatch(r -> r.inboundSpi() == moved.inboundSpi()));
    }
}
