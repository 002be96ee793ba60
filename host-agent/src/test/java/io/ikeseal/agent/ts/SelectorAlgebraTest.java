package io.ikeseal.agent.ts;

import static io.ikeseal.agent.ts.SelectorNotationTest.fixed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Intersection and subset of single selectors, and union algebra of selector sets. */
class SelectorAlgebraTest {

    /** a ∩ b ("-" for none), a ⊆ b, b ⊆ a. Intersection is symmetric, so each row is checked both ways. */
    @ParameterizedTest(name = "{0} ∩ {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                // addresses
                "10.0.0.0/8              | 10.1.0.0/16            | 10.1.0.0/16              | false | true",
                "10.0.0.0/16             | 10.0.0.0/16            | 10.0.0.0/16              | true  | true",
                "10.0.0.0-10.0.0.9       | 10.0.0.5-10.0.0.20     | 10.0.0.5-10.0.0.9        | false | false",
                "10.0.0.0/24             | 10.0.1.0/24            | -                        | false | false",
                "10.0.0.0-10.0.0.9       | 10.0.0.9-10.0.0.20     | 10.0.0.9/32              | false | false",
                "0.0.0.0/0               | 192.0.2.1              | 192.0.2.1/32             | false | true",
                "2001:db8::/32           | 2001:db8:1::/48        | 2001:db8:1::/48          | false | true",
                "2001:db8::/32           | 2001:db9::/32          | -                        | false | false",
                "::/0                    | ::1                    | ::1/128                  | false | true",
                // families never mix, not even 0/0 with ::/0 or IPv4-mapped addresses
                "0.0.0.0/0               | ::/0                   | -                        | false | false",
                "10.0.0.1                | ::ffff:10.0.0.1        | -                        | false | false",
                // protocol 0 is any
                "10.0.0.0/8              | 10.0.0.0/8[tcp]        | 10.0.0.0/8[tcp]          | false | true",
                "10.0.0.0/8[tcp]         | 10.0.0.0/8[udp]        | -                        | false | false",
                "10.0.0.0/8[gre]         | 10.1.0.0/16[gre]       | 10.1.0.0/16[gre]         | false | true",
                // ports
                "10.0.0.0/8[tcp]         | 10.0.0.0/8[tcp/443]    | 10.0.0.0/8[tcp/443]      | false | true",
                "10.0.0.0/8[tcp/1-100]   | 10.0.0.0/8[tcp/50-200] | 10.0.0.0/8[tcp/50-100]   | false | false",
                "10.0.0.0/8[tcp/1-100]   | 10.0.0.0/8[tcp/101-200]| -                        | false | false",
                "10.0.0.0/8              | 10.0.0.0/8[udp/53]     | 10.0.0.0/8[udp/53]       | false | true",
                // OPAQUE: inside ANY (RFC 7296 §3.13.1), disjoint from every real port range
                "10.0.0.0/8[udp/%opaque] | 10.0.0.0/8[udp]        | 10.0.0.0/8[udp/%opaque]  | true  | false",
                "10.0.0.0/8[udp/%opaque] | 10.0.0.0/8             | 10.0.0.0/8[udp/%opaque]  | true  | false",
                "10.0.0.0/8[udp/%opaque] | 10.0.0.0/8[udp/0-65534]| -                        | false | false",
                "10.0.0.0/8[udp/%opaque] | 10.0.0.0/8[udp/65535]  | -                        | false | false",
                "10.0.0.0/8[udp/%opaque] | 10.0.0.0/8[udp/%opaque]| 10.0.0.0/8[udp/%opaque]  | true  | true",
                "10.0.0.0/8[udp/%opaque] | 10.0.0.0/8[tcp/%opaque]| -                        | false | false",
                // ICMP type and code as ports (RFC 7296 §3.13.1)
                "0.0.0.0/0[icmp]         | 0.0.0.0/0[icmp/8]      | 0.0.0.0/0[icmp/8]        | false | true",
                "0.0.0.0/0[icmp/8]       | 0.0.0.0/0[icmp/8/0]    | 0.0.0.0/0[icmp/8/0]      | false | true",
                "0.0.0.0/0[icmp/3-5]     | 0.0.0.0/0[icmp/5-8]    | 0.0.0.0/0[icmp/5]        | false | false",
                "0.0.0.0/0[icmp/8]       | 0.0.0.0/0[icmp/0]      | -                        | false | false",
                "::/0[ipv6-icmp/128]     | 2001:db8::/32          | 2001:db8::/32[ipv6-icmp/128] | false | false",
                // all three at once
                "10.0.0.0/8[tcp/1-1000]  | 10.1.0.0-10.200.0.0    | 10.1.0.0-10.200.0.0[tcp/1-1000] | false | false",
            })
    void intersectionAndSubset(String a, String b, String both, boolean aInB, boolean bInA) {
        Selector x = fixed(a);
        Selector y = fixed(b);
        String expected = both.equals("-") ? "none" : fixed(both).toString();
        assertEquals(expected, x.intersect(y).map(Selector::toString).orElse("none"), "a ∩ b");
        assertEquals(expected, y.intersect(x).map(Selector::toString).orElse("none"), "b ∩ a");
        assertEquals(aInB, y.contains(x), "a ⊆ b");
        assertEquals(bInA, x.contains(y), "b ⊆ a");
        assertEquals(aInB, SelectorSets.covers(List.of(y), x), "a ⊆ {b}");
        assertEquals(bInA, SelectorSets.covers(List.of(x), y), "b ⊆ {a}");
    }

    @Test
    void aSetCoversWhatItsUnionCovers() {
        List<Selector> halves = list("10.0.0.0/25", "10.0.0.128/25");
        assertTrue(SelectorSets.covers(halves, fixed("10.0.0.0/24")), "no single half covers the /24, the union does");
        assertFalse(SelectorSets.covers(halves, fixed("10.0.0.0/23")));
        List<Selector> ports = list("10.0.0.0/24[tcp/0-1023]", "10.0.0.0/24[tcp/1024-65535]");
        assertTrue(SelectorSets.covers(ports, fixed("10.0.0.0/24[tcp/80-8080]")));
        assertFalse(SelectorSets.covers(ports, fixed("10.0.0.0/24[tcp]")), "all real ports, but not OPAQUE");
        assertFalse(SelectorSets.covers(ports, fixed("10.0.0.0/24[tcp/%opaque]")));
        assertTrue(
                SelectorSets.covers(
                        list("10.0.0.0/24[tcp/0-1023]", "10.0.0.0/24[tcp/1024-65535]", "10.0.0.0/24[tcp/%opaque]"),
                        fixed("10.0.0.0/24[tcp]")),
                "with OPAQUE it is ANY");
        assertFalse(
                SelectorSets.covers(list("10.0.0.0/24[tcp]", "10.0.0.0/24[udp]"), fixed("10.0.0.0/24")),
                "tcp and udp are not every protocol");
        // a grid: four quarters by address and port halves
        List<Selector> grid = list(
                "10.0.0.0/25[udp/0-99]",
                "10.0.0.0/25[udp/100-200]",
                "10.0.0.128/25[udp/0-150]",
                "10.0.0.128/25[udp/151-200]");
        assertTrue(SelectorSets.covers(grid, fixed("10.0.0.0/24[udp/0-200]")));
        assertFalse(SelectorSets.covers(grid, fixed("10.0.0.0/24[udp/0-201]")));
        assertFalse(SelectorSets.covers(List.of(), fixed("10.0.0.0/24")));
        assertFalse(SelectorSets.covers(list("0.0.0.0/0"), fixed("::/0")));
    }

    /** Coverage work is bounded: a set that would cut a selector into too many pieces gives "undecided". */
    @Test
    void coverageWorkIsBounded() {
        List<Selector> holes = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) { // every other host, each with a different port: many pieces
            holes.add(fixed("10.0.0." + 2 * i + "[tcp/" + (i + 1) + "]"));
        }
        Selector s = fixed("10.0.0.0/24");
        assertEquals(SelectorSets.Coverage.UNDECIDED, SelectorSets.covers(holes, s, new SelectorSets.Budget(50)));
        SelectorSets.Budget probe = new SelectorSets.Budget(1 << 20);
        assertEquals(SelectorSets.Coverage.NO, SelectorSets.covers(holes, s, probe));
        long cost = (1 << 20) - probe.left();
        SelectorSets.Budget shared = new SelectorSets.Budget(3 * cost + cost / 2);
        int decided = 0;
        for (int i = 0; i < 100 && SelectorSets.covers(holes, s, shared) != SelectorSets.Coverage.UNDECIDED; i++) {
            decided++;
        }
        assertEquals(3, decided, "one budget is shared by the tests of one check");
    }

    /** Normalizing keeps the traffic and gets small; the cases say how small. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "10.0.0.0/25, 10.0.0.128/25                          | 10.0.0.0/24",
                "10.0.0.0/24, 10.0.0.5, 10.0.0.0/24                  | 10.0.0.0/24",
                "10.0.0.5, 10.0.0.0/24                               | 10.0.0.0/24",
                "10.0.0.0-10.0.0.9, 10.0.0.5-10.0.0.20, 10.0.0.21    | 10.0.0.0-10.0.0.21",
                "10.0.0.0/24, 10.0.2.0/24                            | 10.0.0.0/24, 10.0.2.0/24",
                "10.0.0.0/24[tcp/1-10], 10.0.0.0/24[tcp/11-20]       | 10.0.0.0/24[tcp/1-20]",
                "10.0.0.0/24[tcp/0-100], 10.0.0.0/24[tcp/101-65535]  | 10.0.0.0/24[tcp/0-100], 10.0.0.0/24[tcp/101-65535]",
                "10.0.0.0/24[tcp/%opaque], 10.0.0.0/24[tcp]          | 10.0.0.0/24[tcp]",
                "10.0.0.0/24[tcp], 10.0.0.0/24[udp], 10.0.0.0/24     | 10.0.0.0/24",
                "10.0.0.0/24[tcp], 10.0.0.0/24[udp]                  | 10.0.0.0/24[tcp], 10.0.0.0/24[udp]",
                "10.0.0.0/25[tcp/1-10], 10.0.0.128/25[tcp/1-10], 10.0.0.0/24[tcp/11-20] | 10.0.0.0/24[tcp/1-20]",
                "0.0.0.0/0, ::/0, 10.0.0.0/8, 2001:db8::/32          | 0.0.0.0/0, ::/0",
                "::/1, 8000::/1                                      | ::/0",
                "0.0.0.0/0[icmp/8], 0.0.0.0/0[icmp/9-10]             | 0.0.0.0/0[icmp/8-10]",
            })
    void normalizeMergesContainedAndAdjacent(String in, String out) {
        List<Selector> input = list(in.split(","));
        List<Selector> n = SelectorSets.normalize(input);
        assertEquals(out, SelectorSets.format(n));
        assertTrue(SelectorSets.sameTraffic(input, n), "same traffic");
    }

    @Test
    void normalizeKeepsTheOrderOfPreference() {
        // the packet-specific first selector is swallowed by the range; the range takes its first place
        assertEquals(
                "198.51.100.0/24, 10.0.0.0/8",
                SelectorSets.format(
                        SelectorSets.normalize(list("198.51.100.43[tcp/80]", "10.0.0.0/8", "198.51.100.0/24"))));
    }

    static List<Selector> list(String... texts) {
        return Arrays.stream(texts)
                .map(String::strip)
                .map(SelectorNotationTest::fixed)
                .toList();
    }
}
