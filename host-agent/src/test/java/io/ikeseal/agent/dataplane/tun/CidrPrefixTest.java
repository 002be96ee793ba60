package io.ikeseal.agent.dataplane.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A traffic selector's address range as the fewest CIDR prefixes, the form routes take. */
class CidrPrefixTest {

    @ParameterizedTest(name = "{0}..{1} = {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "10.0.0.5        | 10.0.0.5        | 10.0.0.5/32",
                "0.0.0.0         | 255.255.255.255 | 0.0.0.0/0",
                "10.200.0.0      | 10.200.0.255    | 10.200.0.0/24",
                "10.0.0.3        | 10.0.0.17       | 10.0.0.3/32 10.0.0.4/30 10.0.0.8/29 10.0.0.16/31",
                "0.0.0.1         | 255.255.255.254 | 0.0.0.1/32 0.0.0.2/31 0.0.0.4/30 0.0.0.8/29 0.0.0.16/28 0.0.0.32/27"
                        + " 0.0.0.64/26 0.0.0.128/25 0.0.1.0/24 0.0.2.0/23 0.0.4.0/22 0.0.8.0/21 0.0.16.0/20"
                        + " 0.0.32.0/19 0.0.64.0/18 0.0.128.0/17 0.1.0.0/16 0.2.0.0/15 0.4.0.0/14 0.8.0.0/13"
                        + " 0.16.0.0/12 0.32.0.0/11 0.64.0.0/10 0.128.0.0/9 1.0.0.0/8 2.0.0.0/7 4.0.0.0/6 8.0.0.0/5"
                        + " 16.0.0.0/4 32.0.0.0/3 64.0.0.0/2 128.0.0.0/2 192.0.0.0/3 224.0.0.0/4 240.0.0.0/5"
                        + " 248.0.0.0/6 252.0.0.0/7 254.0.0.0/8 255.0.0.0/9 255.128.0.0/10 255.192.0.0/11"
                        + " 255.224.0.0/12 255.240.0.0/13 255.248.0.0/14 255.252.0.0/15 255.254.0.0/16"
                        + " 255.255.0.0/17 255.255.128.0/18 255.255.192.0/19 255.255.224.0/20 255.255.240.0/21"
                        + " 255.255.248.0/22 255.255.252.0/23 255.255.254.0/24 255.255.255.0/25 255.255.255.128/26"
                        + " 255.255.255.192/27 255.255.255.224/28 255.255.255.240/29 255.255.255.248/30"
                        + " 255.255.255.252/31 255.255.255.254/32",
                "::              | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | 0:0:0:0:0:0:0:0/0",
                "2001:db8::      | 2001:db8::ffff  | 2001:db8:0:0:0:0:0:0/112",
                "fd00:200::9     | fd00:200::9     | fd00:200:0:0:0:0:0:9/128",
                "2001:db8::1     | 2001:db8::6     | 2001:db8:0:0:0:0:0:1/128 2001:db8:0:0:0:0:0:2/127"
                        + " 2001:db8:0:0:0:0:0:4/127 2001:db8:0:0:0:0:0:6/128",
            })
    void splitsRangesIntoFewestPrefixes(String start, String end, String expected) throws Exception {
        List<String> got = CidrPrefix.covering(InetAddress.getByName(start), InetAddress.getByName(end)).stream()
                .map(CidrPrefix::toString)
                .toList();
        assertEquals(Pattern.compile(" +").splitAsStream(expected.strip()).toList(), got);
    }

    /** Random ranges: the prefixes are aligned, disjoint, adjacent and cover exactly start..end. */
    @Test
    void prefixesTileTheRangeExactly() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 2000; i++) {
            int octets = random.nextBoolean() ? 4 : 16;
            BigInteger a = new BigInteger(octets * 8, random);
            BigInteger b =
                    a.add(new BigInteger(random.nextInt(octets * 8), random)).min(max(octets));
            BigInteger next = a;
            List<CidrPrefix> prefixes = CidrPrefix.covering(address(a, octets), address(b, octets));
            for (CidrPrefix p : prefixes) {
                BigInteger base = new BigInteger(1, p.address().getAddress());
                int hostBits = octets * 8 - p.length();
                assertEquals(next, base, "adjacent");
                assertEquals(0, base.getLowestSetBit() >= hostBits || base.signum() == 0 ? 0 : 1, "aligned");
                next = base.add(BigInteger.ONE.shiftLeft(hostBits));
            }
            assertEquals(b.add(BigInteger.ONE), next, "ends at the range's end");
            assertEquals(true, prefixes.size() <= 2 * octets * 8, "bounded");
        }
    }

    @Test
    void mappedIpv4AddressesStayIpv6() {
        byte[] start = new byte[16];
        byte[] end = new byte[16];
        start[10] = start[11] = end[10] = end[11] = (byte) 0xff;
        for (int i = 12; i < 16; i++) {
            end[i] = (byte) 0xff;
        }
        List<CidrPrefix> got = CidrPrefix.covering(start, end);
        assertEquals("0:0:0:0:0:ffff:0:0/96", got.getFirst().toString());
        assertEquals(true, got.getFirst().isIpv6());
    }

    @Test
    void rejectsReversedAndMixedRanges() throws Exception {
        assertThrows(
                IllegalArgumentException.class,
                () -> CidrPrefix.covering(InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.1")));
        assertThrows(
                IllegalArgumentException.class,
                () -> CidrPrefix.covering(InetAddress.getByName("10.0.0.2"), InetAddress.ofLiteral("::1")));
    }

    private static BigInteger max(int octets) {
        return BigInteger.ONE.shiftLeft(octets * 8).subtract(BigInteger.ONE);
    }

    private static InetAddress address(BigInteger v, int octets) throws UnknownHostException {
        byte[] raw = v.toByteArray();
        byte[] a = new byte[octets];
        int copy = Math.min(raw.length, octets);
        System.arraycopy(raw, raw.length - copy, a, octets - copy, copy);
        return octets == 16 ? java.net.Inet6Address.getByAddress(null, a, null) : InetAddress.getByAddress(a);
    }
}
