package io.ikeseal.agent.ts;

import static io.ikeseal.agent.ts.NarrowingTest.pair;
import static io.ikeseal.agent.ts.SelectorNotationTest.fixed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.ikeseal.agent.ts.InitiatorOutcome.Accepted;
import io.ikeseal.agent.ts.InitiatorOutcome.Problem;
import io.ikeseal.agent.ts.InitiatorOutcome.Rejected;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.TrafficSelectorPayload;

/** The initiator's check of the responder's TSi/TSr: narrowing is fine, widening is not. */
class InitiatorCheckTest {

    @ParameterizedTest(name = "[{index}] {0} === {1} answered {2} === {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                // proposed TSi                 | proposed TSr            | returned TSi          | returned TSr
                // | outcome
                "10.1.0.0/16                    | 10.2.0.0/16             | 10.1.0.0/16           | 10.2.0.0/16         | whole",
                "10.1.0.0/16                    | 10.2.0.0/16             | 10.1.0.0/24           | 10.2.0.0/16         | narrowed",
                "10.1.0.0/25, 10.1.0.128/25     | 10.2.0.0/16             | 10.1.0.0/24           | 10.2.0.0/16         | whole",
                "10.1.0.0/16                    | 10.2.0.0/16             | 10.1.0.0-10.1.0.9, 10.1.0.20 | 10.2.0.5     | narrowed",
                "10.1.0.0/16                    | 10.2.0.0/16             | 10.0.0.0/15           | 10.2.0.0/16         | WIDER_THAN_PROPOSED",
                "10.1.0.0/16                    | 10.2.0.0/16             | 10.1.0.0/16           | 10.2.0.0-10.3.0.0   | WIDER_THAN_PROPOSED",
                "10.1.0.0/25, 10.1.0.129-10.1.0.255 | 10.2.0.0/16             | 10.1.0.0/24           | 10.2.0.0/16         | WIDER_THAN_PROPOSED",
                "10.1.0.0/16[tcp/443]           | 10.2.0.0/16             | 10.1.0.0/16[tcp]      | 10.2.0.0/16         | WIDER_THAN_PROPOSED",
                "10.1.0.0/16[tcp]               | 10.2.0.0/16             | 10.1.0.0/16           | 10.2.0.0/16         | WIDER_THAN_PROPOSED",
                "10.1.0.0/16                    | 10.2.0.0/16             | 10.1.0.0/16[tcp/443]  | 10.2.0.0/16[tcp]    | narrowed",
                "10.1.0.0/16[udp/%opaque]       | 10.2.0.0/16             | 10.1.0.0/16[udp]      | 10.2.0.0/16         | WIDER_THAN_PROPOSED",
                "10.1.0.0/16[udp]               | 10.2.0.0/16             | 10.1.0.0/16[udp/%opaque] | 10.2.0.0/16      | narrowed",
                "10.1.0.0/16[tcp/0-1023], 10.1.0.0/16[tcp/1024-65535] | 10.2.0.0/16 | 10.1.0.0/16[tcp] | 10.2.0.0/16 | WIDER_THAN_PROPOSED",
                "0.0.0.0/0[icmp/8]              | 0.0.0.0/0               | 0.0.0.0/0[icmp/8/0]   | 10.0.0.0/8          | narrowed",
                "0.0.0.0/0[icmp/8/0]            | 0.0.0.0/0               | 0.0.0.0/0[icmp/8]     | 0.0.0.0/0           | WIDER_THAN_PROPOSED",
                "10.1.0.0/16                    | 10.2.0.0/16             | 2001:db8::1           | 10.2.0.0/16         | WIDER_THAN_PROPOSED",
                "2001:db8:1::/48                | 2001:db8:2::/48         | 2001:db8:1::/64       | 2001:db8:2::/48     | narrowed",
                "2001:db8:1::/48                | 2001:db8:2::/48         | 2001:db8::/32         | 2001:db8:2::/48     | WIDER_THAN_PROPOSED",
                "10.1.0.0/16, 2001:db8:1::/48   | 10.2.0.0/16, 2001:db8:2::/48 | 10.1.0.0/16      | 10.2.0.0/16         | narrowed",
                "10.1.0.0/16, 2001:db8:1::/48   | 10.2.0.0/16, 2001:db8:2::/48 | 10.1.0.0/16      | 2001:db8:2::/48     | NO_COMMON_FAMILY",
                "10.1.0.0/16, 2001:db8:1::/48   | 10.2.0.0/16             | 10.1.0.0/16           | 10.2.0.0/16         | whole",
            })
    void responsesAreWithinTheProposal(String tsi, String tsr, String backTsi, String backTsr, String outcome) {
        InitiatorOutcome o = InitiatorCheck.check(pair(tsi, tsr), pair(backTsi, backTsr));
        switch (outcome) {
            case "whole", "narrowed" -> {
                Accepted a = assertInstanceOf(Accepted.class, o, () -> "expected acceptance, got " + o);
                assertEquals(outcome.equals("narrowed"), a.narrowed(), "narrowed");
                assertEquals(pair(backTsi, backTsr).effective(), a.selectors());
            }
            default ->
                assertEquals(
                        Problem.valueOf(outcome),
                        assertInstanceOf(Rejected.class, o, () -> "expected refusal, got " + o)
                                .problem());
        }
    }

    @Test
    void theRefusalNamesTheSelector() {
        Rejected r = assertInstanceOf(
                Rejected.class,
                InitiatorCheck.check(
                        pair("10.1.0.0/16, 10.3.0.0/16", "10.2.0.0/16"),
                        pair("10.1.0.0/16", "10.2.0.0/16, 10.4.0.0/16[udp]")));
        assertEquals("TSr 10.4.0.0/16[udp] is not within the proposed 10.2.0.0/16", r.detail());
    }

    @Test
    void unknownTsTypesInTheAnswerWereNeverProposed() {
        TsPair p = pair("10.1.0.0/16", "10.2.0.0/16");
        Rejected r = assertInstanceOf(
                Rejected.class,
                InitiatorCheck.check(
                        p,
                        p.tsiPayload(),
                        new TrafficSelectorPayload(
                                PayloadType.TSR, p.tsrPayload().selectors(), 1)));
        assertEquals(Problem.WIDER_THAN_PROPOSED, r.problem());
        assertEquals("TSr holds 1 selector(s) of a TS type we did not propose", r.detail());
        assertInstanceOf(Accepted.class, InitiatorCheck.check(p, p.tsiPayload(), p.tsrPayload()));
    }

    @Test
    void aResponseToTheTriggeringPacketIsNarrowed() {
        TsPair proposal = pair("198.51.100.0/24", "192.0.2.0/24")
                .withFirst(fixed("198.51.100.43[tcp/40001]"), fixed("192.0.2.80[tcp/443]"));
        Accepted a =
                assertInstanceOf(Accepted.class, InitiatorCheck.check(proposal, pair("198.51.100.43", "192.0.2.0/24")));
        assertEquals(true, a.narrowed());
    }
}
