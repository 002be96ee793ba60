package io.ikeseal.agent.ts;

import static io.ikeseal.agent.ts.SelectorAlgebraTest.list;
import static io.ikeseal.agent.ts.SelectorNotationTest.fixed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.ikeseal.agent.ts.NarrowingResult.Accepted;
import io.ikeseal.agent.ts.NarrowingResult.Rule;
import io.ikeseal.agent.ts.NarrowingResult.Unacceptable;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.TrafficSelectorPayload;

/** The responder's narrowing (RFC 7296 §2.9): its examples, then cases by family, port, protocol and policy. */
class NarrowingTest {

    // §2.9: "tunnel all traffic from subnet 198.51.100.* on the initiator's side to subnet 192.0.2.* on the
    // responder's side ... Assuming that proposal was acceptable to the responder, it would send identical TS
    // payloads back."
    @Test
    void rfcExampleAcceptedAsProposed() {
        Accepted a = accepted(Narrowing.respond(
                pair("198.51.100.0-198.51.100.255", "192.0.2.0-192.0.2.255"),
                policy("198.51.100.0/24", "192.0.2.0/24")));
        assertEquals(Rule.ENTIRE_PROPOSAL, a.rule());
        assertEquals(pair("198.51.100.0/24", "192.0.2.0/24"), a.selectors());
        assertFalse(a.additionalTsPossible());
    }

    // §2.9: the initiator triggered by a packet from 198.51.100.43 sends "the first containing the address range
    // (198.51.100.43 - 198.51.100.43) and the source port and IP protocol from the packet and the second
    // containing (198.51.100.0 - 198.51.100.255) with all ports and IP protocols", and TSr likewise. A responder
    // whose policy wants each address on its own SA "might respond with TSi being (198.51.100.43 - 198.51.100.43)
    // with all ports and IP protocols" — and may say ADDITIONAL_TS_POSSIBLE.
    @Test
    void rfcExampleNarrowedToTheTriggeringPacketsAddress() {
        TsPair proposal = new TsPair(list("198.51.100.0/24"), list("192.0.2.0/24"))
                .withFirst(fixed("198.51.100.43[tcp/40001]"), fixed("192.0.2.80[tcp/443]"));
        List<TsPolicy> perHost = new ArrayList<>();
        for (int host = 40; host < 48; host++) {
            perHost.add(policy("198.51.100." + host, "192.0.2.0/24"));
        }
        Accepted a = accepted(Narrowing.respond(proposal, perHost));
        assertEquals(Rule.FIRST_SELECTORS, a.rule());
        assertEquals(3, a.policyIndex(), "the policy of 198.51.100.43");
        assertEquals(pair("198.51.100.43/32", "192.0.2.0/24"), a.selectors());
        assertTrue(a.additionalTsPossible(), "198.51.100.40..47 would each have been acceptable in their own SA");
    }

    // §2.9 fourth rule: the first selectors are not acceptable, so the responder narrows to an acceptable subset.
    @Test
    void rfcExampleFirstSelectorNotAcceptable() {
        TsPair proposal = new TsPair(list("198.51.100.0/24"), list("192.0.2.0/24"))
                .withFirst(fixed("198.51.100.43[tcp/40001]"), fixed("192.0.2.80[tcp/443]"));
        Accepted a = accepted(Narrowing.respond(proposal, policy("198.51.100.128/25", "192.0.2.0/24")));
        assertEquals(Rule.ACCEPTABLE_SUBSET, a.rule());
        assertEquals(pair("198.51.100.128/25", "192.0.2.0/24"), a.selectors());
        assertFalse(a.additionalTsPossible(), "one policy: its whole share of the proposal is in this SA");
    }

    // §3.13: TSi = ((17, 100, 198.51.100.66), (17, 200, 198.51.100.66)), TSr = ((17, 300, 0/0), (17, 400, 0/0))
    // "would match UDP packets from 198.51.100.66 to anywhere, with any of the four combinations" of ports.
    @Test
    void rfcSection313PortCombinations() {
        TsPair proposal =
                pair("198.51.100.66[udp/100], 198.51.100.66[udp/200]", "0.0.0.0/0[udp/300], 0.0.0.0/0[udp/400]");
        assertEquals(
                proposal,
                accepted(Narrowing.respond(proposal, policy("198.51.100.0/24[udp]", "0.0.0.0/0[udp]")))
                        .selectors());
        Accepted onlyDns = accepted(Narrowing.respond(proposal, policy("198.51.100.66", "0.0.0.0/0[udp/300-399]")));
        assertEquals(
                pair("198.51.100.66/32[udp/100], 198.51.100.66/32[udp/200]", "0.0.0.0/0[udp/300]"),
                onlyDns.selectors());
    }

    /** §2.9: selectors of unknown TS types are ignored, and "the unknown type is not returned". */
    @Test
    void unknownTsTypesAreIgnored() {
        TsPair known = pair("10.1.0.0/16", "10.2.0.0/16");
        TrafficSelectorPayload tsiWithUnknown =
                new TrafficSelectorPayload(PayloadType.TSI, known.tsiPayload().selectors(), 1);
        Accepted a = accepted(
                Narrowing.respond(tsiWithUnknown, known.tsrPayload(), List.of(policy("10.0.0.0/8", "10.0.0.0/8"))));
        assertEquals(known, a.selectors());
        Unacceptable u = assertInstanceOf(
                Unacceptable.class,
                Narrowing.respond(
                        new TrafficSelectorPayload(PayloadType.TSI, List.of(), 2),
                        known.tsrPayload(),
                        List.of(policy("0.0.0.0/0", "0.0.0.0/0"))));
        assertEquals("TSi holds only selectors of TS types we do not know (2, ignored)", u.reason());
    }

    @Test
    void nothingInCommonIsTsUnacceptable() {
        NarrowingResult r = Narrowing.respond(pair("10.1.0.0/16", "10.2.0.0/16"), policy("10.3.0.0/16", "10.2.0.0/16"));
        Unacceptable u = assertInstanceOf(Unacceptable.class, r);
        assertEquals(NotifyType.TS_UNACCEPTABLE, u.notifyType());
        assertEquals("no configured traffic selectors match any of TSi 10.1.0.0/16 === TSr 10.2.0.0/16", u.reason());
    }

    /** One policy: TSi meets the remote selectors, TSr the local ones. "-" expects TS_UNACCEPTABLE. */
    @ParameterizedTest(name = "[{index}] {0} === {1} against {2} === {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                // TSi                                  | TSr                               | remote              |
                // local                  | answer TSi              | answer TSr         | rule
                "10.1.0.0/16                            | 10.2.0.0/16                       | 10.1.0.0/16         | 10.2.0.0/16            | 10.1.0.0/16             | 10.2.0.0/16        | ENTIRE_PROPOSAL",
                "10.1.2.0/24                            | 10.2.0.0/16                       | 0.0.0.0/0           | 10.0.0.0/8             | 10.1.2.0/24             | 10.2.0.0/16        | ENTIRE_PROPOSAL",
                "10.0.0.0/8                             | 10.2.0.0/16                       | 10.1.0.0/16         | 10.2.0.0/24            | 10.1.0.0/16             | 10.2.0.0/24        | ACCEPTABLE_SUBSET",
                "0.0.0.0/0                              | 0.0.0.0/0                         | 10.1.0.0/16, 10.3.0.0/16 | 10.2.0.0/16       | 10.1.0.0/16, 10.3.0.0/16 | 10.2.0.0/16       | ACCEPTABLE_SUBSET",
                "10.1.0.0/16                            | 10.2.0.0/16                       | 10.3.0.0/16         | 10.2.0.0/16            | -                       | -                  | -",
                "10.1.0.0/16                            | 10.2.0.0/16                       | 10.1.0.0/16         | 10.4.0.0/16            | -                       | -                  | -",
                // the two halves a proposal lists separately come back joined
                "10.1.0.0/25, 10.1.0.128/25             | 10.2.0.0/16                       | 10.1.0.0/24         | 10.2.0.0/16            | 10.1.0.0/24             | 10.2.0.0/16        | ENTIRE_PROPOSAL",
                "10.1.0.0-10.1.0.9, 10.1.0.10-10.1.0.20 | 10.2.0.0/16                       | 10.1.0.5-10.1.0.15  | 10.2.0.0/16            | 10.1.0.5-10.1.0.15      | 10.2.0.0/16        | ACCEPTABLE_SUBSET",
                // protocols and ports
                "10.1.0.0/16[tcp]                       | 10.2.0.0/16                       | 10.1.0.0/16         | 10.2.0.0/16[tcp/443]   | 10.1.0.0/16[tcp]        | 10.2.0.0/16[tcp/443] | ACCEPTABLE_SUBSET",
                "10.1.0.0/16                            | 10.2.0.0/16                       | 10.1.0.0/16[udp]    | 10.2.0.0/16[udp/53]    | 10.1.0.0/16[udp]        | 10.2.0.0/16[udp/53] | ACCEPTABLE_SUBSET",
                "10.1.0.0/16[tcp]                       | 10.2.0.0/16[tcp]                  | 10.1.0.0/16[udp]    | 10.2.0.0/16            | -                       | -                  | -",
                "10.1.0.0/16[tcp/1024-65535]            | 10.2.0.0/16[tcp/80-443]           | 10.1.0.0/16[tcp]    | 10.2.0.0/16[tcp/443-8443] | 10.1.0.0/16[tcp/1024-65535] | 10.2.0.0/16[tcp/443] | ACCEPTABLE_SUBSET",
                "10.1.0.0/16[tcp/80]                    | 10.2.0.0/16                       | 10.1.0.0/16[tcp/81-90] | 10.2.0.0/16         | -                       | -                  | -",
                // OPAQUE ports: inside ANY, outside any real range
                "10.1.0.0/16[udp/%opaque]               | 10.2.0.0/16[udp/%opaque]          | 10.1.0.0/16[udp]    | 10.2.0.0/16            | 10.1.0.0/16[udp/%opaque] | 10.2.0.0/16[udp/%opaque] | ENTIRE_PROPOSAL",
                "10.1.0.0/16[udp]                       | 10.2.0.0/16                       | 10.1.0.0/16[udp/%opaque] | 10.2.0.0/16    | 10.1.0.0/16[udp/%opaque] | 10.2.0.0/16       | ACCEPTABLE_SUBSET",
                "10.1.0.0/16[udp/%opaque]               | 10.2.0.0/16                       | 10.1.0.0/16[udp/500] | 10.2.0.0/16           | -                       | -                  | -",
                // ICMP type and code
                "0.0.0.0/0[icmp]                        | 0.0.0.0/0[icmp]                   | 10.0.0.0/8[icmp/8]  | 0.0.0.0/0[icmp/8/0]    | 10.0.0.0/8[icmp/8]      | 0.0.0.0/0[icmp/8/0] | ACCEPTABLE_SUBSET",
                "0.0.0.0/0[icmp/0]                      | 0.0.0.0/0                         | 0.0.0.0/0[icmp/8]   | 0.0.0.0/0              | -                       | -                  | -",
                // IPv6
                "2001:db8:1::/48                        | 2001:db8:2::/48                   | 2001:db8::/32       | 2001:db8:2:1::/64      | 2001:db8:1::/48         | 2001:db8:2:1::/64  | ACCEPTABLE_SUBSET",
                "::/0                                   | ::/0                              | 2001:db8::1         | 2001:db8::2-2001:db8::9 | 2001:db8::1/128        | 2001:db8::2-2001:db8::9 | ACCEPTABLE_SUBSET",
                "2001:db8:1::/48[ipv6-icmp/128]         | 2001:db8:2::/48                   | ::/0                | ::/0                   | 2001:db8:1::/48[ipv6-icmp/128] | 2001:db8:2::/48 | ENTIRE_PROPOSAL",
                // families: only those on both sides of the answer carry traffic
                "10.1.0.0/16, 2001:db8:1::/48           | 10.2.0.0/16, 2001:db8:2::/48      | 10.0.0.0/8          | 10.0.0.0/8             | 10.1.0.0/16             | 10.2.0.0/16        | FIRST_SELECTORS",
                "10.1.0.0/16, 2001:db8:1::/48           | 10.2.0.0/16, 2001:db8:2::/48      | 0.0.0.0/0, ::/0     | 0.0.0.0/0, ::/0        | 10.1.0.0/16, 2001:db8:1::/48 | 10.2.0.0/16, 2001:db8:2::/48 | ENTIRE_PROPOSAL",
                "10.1.0.0/16, 2001:db8:1::/48           | 10.2.0.0/16                       | 0.0.0.0/0, ::/0     | 0.0.0.0/0, ::/0        | 10.1.0.0/16             | 10.2.0.0/16        | ENTIRE_PROPOSAL",
                "10.1.0.0/16, 2001:db8:1::/48           | 10.2.0.0/16, 2001:db8:2::/48      | 10.0.0.0/8          | 2001:db8::/32          | -                       | -                  | -",
                "10.1.0.0/16                            | 2001:db8::/32                     | 0.0.0.0/0, ::/0     | 0.0.0.0/0, ::/0        | -                       | -                  | -",
                "0.0.0.0/0                              | 0.0.0.0/0                         | ::/0                | ::/0                   | -                       | -                  | -",
            })
    void onePolicy(
            String tsi, String tsr, String remote, String local, String answerTsi, String answerTsr, String rule) {
        NarrowingResult r = Narrowing.respond(pair(tsi, tsr), policy(remote, local));
        if (rule.equals("-")) {
            assertInstanceOf(Unacceptable.class, r, () -> "expected TS_UNACCEPTABLE, got " + r);
            return;
        }
        Accepted a = accepted(r);
        assertEquals(pair(answerTsi, answerTsr), a.selectors());
        assertEquals(Rule.valueOf(rule), a.rule());
        assertFalse(a.additionalTsPossible(), "one policy, its whole share");
        assertEquals(0, a.policyIndex());
    }

    @Test
    void dynamicSelectorsResolveToTheIkeSaAddresses() throws Exception {
        InetAddress peer = InetAddress.getByName("203.0.113.5");
        InetAddress us = InetAddress.getByName("198.51.100.1");
        TsPolicy p = TsPolicy.resolve(
                ConfiguredSelector.parseList("dynamic"),
                ConfiguredSelector.parseList("dynamic[udp/1701], 10.8.0.0/16"),
                peer,
                us);
        assertEquals(list("203.0.113.5"), p.remote());
        assertEquals(list("198.51.100.1[udp/1701]", "10.8.0.0/16"), p.local());
        // a transport-mode style proposal: the initiator asks for everything, the responder narrows to the hosts
        Accepted a = accepted(Narrowing.respond(pair("0.0.0.0/0", "0.0.0.0/0"), p));
        assertEquals(pair("203.0.113.5/32", "198.51.100.1/32[udp/1701], 10.8.0.0/16"), a.selectors());
        assertInstanceOf(
                Unacceptable.class,
                Narrowing.respond(pair("203.0.113.6", "198.51.100.1"), p),
                "another peer's address is not dynamic's");
    }

    @Test
    void policiesArePickedByTheRulesOfSection29() {
        TsPair proposal = pair("10.1.0.0/16", "10.2.0.0/16");
        // a later policy that takes the entire proposal beats an earlier one that takes part of it
        Accepted whole = accepted(Narrowing.respond(
                proposal, List.of(policy("10.1.0.0/24", "10.2.0.0/16"), policy("10.0.0.0/8", "10.0.0.0/8"))));
        assertEquals(1, whole.policyIndex());
        assertEquals(Rule.ENTIRE_PROPOSAL, whole.rule());
        assertFalse(whole.additionalTsPossible(), "the other policy's share is inside this answer");

        // no policy takes it all nor the first selectors: configuration order decides, and the other policy's
        // share would need a separate SA
        Accepted first = accepted(Narrowing.respond(
                proposal, List.of(policy("10.1.0.0/24", "10.2.0.0/16"), policy("10.1.1.0/24", "10.2.0.0/16"))));
        assertEquals(0, first.policyIndex());
        assertEquals(Rule.ACCEPTABLE_SUBSET, first.rule());
        assertEquals(pair("10.1.0.0/24", "10.2.0.0/16"), first.selectors());
        assertTrue(first.additionalTsPossible());

        // an earlier policy inside a later one's share: nothing else possible once the larger one is chosen
        Accepted larger = accepted(Narrowing.respond(
                pair("10.1.0.0/16, 10.1.0.5", "10.2.0.0/16"),
                List.of(
                        policy("10.9.0.0/16", "10.2.0.0/16"),
                        policy("10.1.0.0/20", "10.2.0.0/16"),
                        policy("10.1.0.0/24", "10.2.0.0/16"))));
        assertEquals(1, larger.policyIndex());
        assertFalse(larger.additionalTsPossible());

        // among partial ones, a policy touching the first selectors (ranges here, no packet) comes first
        Accepted touching = accepted(Narrowing.respond(
                pair("10.1.0.0/16, 10.3.0.0/16", "10.2.0.0/16"),
                List.of(policy("10.3.0.0/24", "10.2.0.0/16"), policy("10.1.5.0/24", "10.2.0.0/16"))));
        assertEquals(1, touching.policyIndex());
        assertEquals(Rule.ACCEPTABLE_SUBSET, touching.rule());
        assertTrue(touching.additionalTsPossible());

        // policies that are all unacceptable: TS_UNACCEPTABLE
        assertInstanceOf(
                Unacceptable.class,
                Narrowing.respond(
                        proposal, List.of(policy("10.7.0.0/16", "10.2.0.0/16"), policy("10.1.0.0/16", "10.8.0.0/16"))));
    }

    /** More than 255 selectors do not fit a TS payload: the first ones stay, and the rest is "additional". */
    @Test
    void aLongAnswerIsCutToWhatFitsAPayload() {
        List<Selector> hosts = new ArrayList<>();
        for (int i = 0; i < 255; i++) {
            hosts.add(fixed("10.0." + i + ".1"));
        }
        TsPair proposal = new TsPair(hosts, list("10.2.0.0/16"));
        Accepted a = accepted(Narrowing.respond(proposal, policy("0.0.0.0/0[tcp], 0.0.0.0/0[udp]", "10.2.0.0/16")));
        assertEquals(255, a.selectors().tsi().size());
        assertEquals(fixed("10.0.0.1[tcp]"), a.selectors().tsi().getFirst());
        assertTrue(SelectorSets.covers(hosts, a.selectors().tsi()));
        assertTrue(a.additionalTsPossible());
        assertEquals(
                a.selectors(),
                TsPair.fromPayloads(a.selectors().tsiPayload(), a.selectors().tsrPayload()),
                "the answer goes on the wire as it is");
    }

    /**
     * A peer may send 255 selectors a side, all different. Narrowing still answers within the proposal and the
     * policy, and bounds the work of deciding ADDITIONAL_TS_POSSIBLE (an undecided test says "possible").
     */
    @Test
    void fullPayloadsOfOddSelectorsAreAnswered() {
        List<Selector> tsi = new ArrayList<>();
        List<Selector> tsr = new ArrayList<>();
        for (int i = 0; i < 255; i++) {
            String proto = i % 3 == 0 ? "tcp" : i % 3 == 1 ? "udp" : "sctp";
            tsi.add(fixed(
                    "10." + i + ".0.0-10." + i + ".3." + (i % 200) + "[" + proto + "/" + i + "-" + (2 * i) + "]"));
            tsr.add(fixed("172.16." + i + "." + (i % 7) + "[" + proto + "/%opaque]"));
        }
        TsPair proposal = new TsPair(tsi, tsr);
        List<TsPolicy> policies = List.of(
                policy("10.0.0.0/9[tcp], 10.0.0.0/8[udp/10-400]", "172.16.0.0/12"),
                policy("10.128.0.0/9", "172.16.0.0/12"),
                policy("10.0.0.0/8[sctp]", "172.16.0.0/12[sctp]"));
        Accepted a = accepted(Narrowing.respond(proposal, policies));
        assertTrue(SelectorSets.covers(tsi, a.selectors().tsi())
                && SelectorSets.covers(tsr, a.selectors().tsr()));
        TsPolicy chosen = policies.get(a.policyIndex());
        assertTrue(SelectorSets.covers(chosen.remote(), a.selectors().tsi()));
        assertTrue(SelectorSets.covers(chosen.local(), a.selectors().tsr()));
        assertTrue(a.additionalTsPossible(), "the other policies take other parts");
        assertInstanceOf(InitiatorOutcome.Accepted.class, InitiatorCheck.check(proposal, a.selectors()));
    }

    static TsPair pair(String tsi, String tsr) {
        return new TsPair(list(tsi.split(",")), list(tsr.split(",")));
    }

    static TsPolicy policy(String remote, String local) {
        return new TsPolicy(list(remote.split(",")), list(local.split(",")));
    }

    static Accepted accepted(NarrowingResult r) {
        return assertInstanceOf(Accepted.class, r, () -> "expected an answer, got " + r);
    }
}
