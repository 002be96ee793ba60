package io.ikeseal.agent.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;

import io.ikeseal.agent.sa.ChildSaRecord;

/** What the CHILD_SA tests check on both ends. */
final class ChildSaTests {
    private ChildSaTests() {}

    /**
     * Both ends hold the same CHILD_SAs, pairwise (our inbound SPI is the peer's outbound one and the other way
     * round), each pair installed with the same four ESP keys (RFC 7296 §2.17); returns the initiator's.
     */
    static List<ChildSaRecord> samePairs(ExchangePair pair, int expected) {
        List<ChildSaRecord> mine = pair.initiator.installer.installed();
        List<ChildSaRecord> theirs = pair.responder.installer.installed();
        assertEquals(expected, mine.size(), "initiator: " + mine);
        assertEquals(expected, theirs.size(), "responder: " + theirs);
        for (ChildSaRecord m : mine) {
            ChildSaRecord t = theirs.stream()
                    .filter(r -> r.outboundSpi() == m.inboundSpi())
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no peer half of " + m + " in " + theirs));
            assertEquals(m.outboundSpi(), t.inboundSpi());
            assertNotNull(pair.initiator.keys.keys(m.inboundSpi()));
            assertEquals(pair.initiator.keys.keys(m.inboundSpi()), pair.responder.keys.keys(t.inboundSpi()));
        }
        return mine;
    }
}
