package io.ikeseal.agent.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The selector notation: what each form means on the wire, how it prints, and the errors a user sees. */
class SelectorNotationTest {

    /** Parses, checks the wire fields, and checks the canonical print. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // text                       | start                  | end                     | proto | sport | eport
                // | printed
                "10.1.0.0/16                  | 10.1.0.0               | 10.1.255.255            | 0     | 0     | 65535 | 10.1.0.0/16",
                "192.168.1.10                 | 192.168.1.10           | 192.168.1.10            | 0     | 0     | 65535 | 192.168.1.10/32",
                "2001:db8::/32                | 2001:db8::             | 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff | 0 | 0 | 65535 | 2001:db8::/32",
                "10.0.0.1-10.0.0.9            | 10.0.0.1               | 10.0.0.9                | 0     | 0     | 65535 | 10.0.0.1-10.0.0.9",
                "10.0.0.0-10.0.0.255          | 10.0.0.0               | 10.0.0.255              | 0     | 0     | 65535 | 10.0.0.0/24",
                "0.0.0.0/0                    | 0.0.0.0                | 255.255.255.255         | 0     | 0     | 65535 | 0.0.0.0/0",
                "::/0                         | ::                     | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | 0 | 0 | 65535 | ::/0",
                "::1                          | ::1                    | ::1                     | 0     | 0     | 65535 | ::1/128",
                "2001:DB8:0:0:0:0:0:1         | 2001:db8::1            | 2001:db8::1             | 0     | 0     | 65535 | 2001:db8::1/128",
                "::ffff:10.0.0.1              | ::ffff:a00:1           | ::ffff:a00:1            | 0     | 0     | 65535 | ::ffff:a00:1/128",
                "10.1.0.0/16[tcp/443]         | 10.1.0.0               | 10.1.255.255            | 6     | 443   | 443   | 10.1.0.0/16[tcp/443]",
                "10.1.0.0/16[TCP/1024-65535]  | 10.1.0.0               | 10.1.255.255            | 6     | 1024  | 65535 | 10.1.0.0/16[tcp/1024-65535]",
                "10.1.0.0/16[tcp/0-65535]     | 10.1.0.0               | 10.1.255.255            | 6     | 0     | 65535 | 10.1.0.0/16[tcp]",
                "10.0.0.0/8[udp]              | 10.0.0.0               | 10.255.255.255          | 17    | 0     | 65535 | 10.0.0.0/8[udp]",
                "10.0.0.0/8[udp/%opaque]      | 10.0.0.0               | 10.255.255.255          | 17    | 65535 | 0     | 10.0.0.0/8[udp/%opaque]",
                "0.0.0.0/0[icmp/8]            | 0.0.0.0                | 255.255.255.255         | 1     | 2048  | 2303  | 0.0.0.0/0[icmp/8]",
                "0.0.0.0/0[icmp/3/4]          | 0.0.0.0                | 255.255.255.255         | 1     | 772   | 772   | 0.0.0.0/0[icmp/3/4]",
                "0.0.0.0/0[icmp/3-5]          | 0.0.0.0                | 255.255.255.255         | 1     | 768   | 1535  | 0.0.0.0/0[icmp/3-5]",
                "0.0.0.0/0[icmp/3/1-4/2]      | 0.0.0.0                | 255.255.255.255         | 1     | 769   | 1026  | 0.0.0.0/0[icmp/3/1-4/2]",
                "0.0.0.0/0[icmp/8/0-8/255]    | 0.0.0.0                | 255.255.255.255         | 1     | 2048  | 2303  | 0.0.0.0/0[icmp/8]",
                "::/0[ipv6-icmp/128]          | ::                     | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | 58 | 32768 | 33023 | ::/0[ipv6-icmp/128]",
                "::/0[icmpv6/135/0]           | ::                     | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | 58 | 34560 | 34560 | ::/0[ipv6-icmp/135/0]",
                "10.0.0.0/8[gre]              | 10.0.0.0               | 10.255.255.255          | 47    | 0     | 65535 | 10.0.0.0/8[gre]",
                "10.0.0.0/8[50]               | 10.0.0.0               | 10.255.255.255          | 50    | 0     | 65535 | 10.0.0.0/8[esp]",
                "10.0.0.0/8[99]               | 10.0.0.0               | 10.255.255.255          | 99    | 0     | 65535 | 10.0.0.0/8[99]",
                "10.0.0.0/8[0]                | 10.0.0.0               | 10.255.255.255          | 0     | 0     | 65535 | 10.0.0.0/8",
                "' 10.0.0.0/8 [ sctp / 9 ] '  | 10.0.0.0               | 10.255.255.255          | 132   | 9     | 9     | 10.0.0.0/8[sctp/9]",
            })
    void parsesAndPrints(String text, String start, String end, int proto, int sport, int eport, String printed)
            throws Exception {
        Selector s = fixed(text);
        assertEquals(InetAddress.getByName(start), s.startAddress(), "start");
        assertEquals(InetAddress.getByName(end), s.endAddress(), "end");
        assertEquals(proto, s.protocol(), "protocol");
        assertEquals(sport, s.startPort(), "start port");
        assertEquals(eport, s.endPort(), "end port");
        assertEquals(printed, s.toString());
        assertEquals(s, fixed(printed), "the print parses back to the same selector");
        assertEquals(s, Selector.fromWire(s.toWire()), "wire round trip");
    }

    @Test
    void dynamicResolvesToTheIkeSaAddress() throws Exception {
        ConfiguredSelector d = ConfiguredSelector.parse("dynamic");
        assertEquals(ConfiguredSelector.Dynamic.ANY, d);
        assertEquals("dynamic", d.toString());
        assertEquals(
                "192.0.2.7/32", d.resolve(InetAddress.getByName("192.0.2.7")).toString());
        assertEquals(
                "2001:db8::7/128",
                d.resolve(InetAddress.getByName("2001:db8::7")).toString());

        ConfiguredSelector web = ConfiguredSelector.parse("DYNAMIC[tcp/443]");
        assertEquals("dynamic[tcp/443]", web.toString());
        assertEquals(
                "198.51.100.1/32[tcp/443]",
                web.resolve(InetAddress.getByName("198.51.100.1")).toString());
        assertEquals(web, ConfiguredSelector.parse(web.toString()));
        // the family comes from the address; ICMP on an IPv6 SA is allowed and simply matches nothing
        assertEquals(
                "::1/128[icmp/8]",
                ConfiguredSelector.parse("dynamic[icmp/8]")
                        .resolve(InetAddress.ofLiteral("::1"))
                        .toString());
    }

    @Test
    void fixedSelectorsIgnoreTheAddress() throws Exception {
        ConfiguredSelector f = ConfiguredSelector.parse("10.1.0.0/16");
        assertInstanceOf(ConfiguredSelector.Fixed.class, f);
        assertEquals(fixed("10.1.0.0/16"), f.resolve(InetAddress.getByName("192.0.2.1")));
    }

    @Test
    void listsAreCommaSeparated() throws Exception {
        List<ConfiguredSelector> l = ConfiguredSelector.parseList("10.1.0.0/16, dynamic[udp/53] ,::/0");
        assertEquals(3, l.size());
        assertEquals("10.1.0.0/16, dynamic[udp/53], ::/0", ConfiguredSelector.format(l));
        assertEquals(
                List.of(fixed("10.1.0.0/16"), fixed("192.0.2.1/32[udp/53]"), fixed("::/0")),
                ConfiguredSelector.resolveAll(l, InetAddress.getByName("192.0.2.1")));
    }

    /** RFC 5952 §4: leading zeros dropped, the longest (then first) zero run compressed, a single zero kept. */
    @ParameterizedTest
    @CsvSource({
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:0:0:1:0:0, 2001:db8::1:0:0",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "0:0:0:0:0:0:0:0, ::",
        "1:0:0:0:0:0:0:0, 1::",
        "0:0:0:0:0:0:0:1, ::1",
        "2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:FFFF, 2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff",
    })
    void ipv6PrintsInRfc5952Form(String in, String out) {
        assertEquals(out + "/128", fixed(in).toString());
    }

    /** Each mistake gets its own message, quoting what was written. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "''                    | empty traffic selector",
                "'   '                 | empty traffic selector",
                "10.1.0.0/33           | '10.1.0.0/33': prefix length 33 is above 32, the longest for IPv4",
                "2001:db8::/129        | '2001:db8::/129': prefix length 129 is above 128, the longest for IPv6",
                "10.1.0.0/x            | '10.1.0.0/x': prefix length 'x' is not a number 0..32",
                "10.1.0.0/             | '10.1.0.0/': prefix length '' is not a number 0..32",
                "10.1.2.3/16           | '10.1.2.3/16': address has bits set after the /16 prefix; the network is 10.1.0.0/16",
                "2001:db8::1/32        | '2001:db8::1/32': address has bits set after the /32 prefix; the network is 2001:db8::/32",
                "10.0.0.9-10.0.0.1     | '10.0.0.9-10.0.0.1': range starts above its end",
                "10.0.0.1-::1          | '10.0.0.1-::1': a range's ends must be of one family, not IPv4 and IPv6",
                "10.0.0.1-10.0.0.9/24  | '10.0.0.1-10.0.0.9/24': a range 'A-B' takes no prefix length",
                "10.0.0.1-             | '10.0.0.1-': address missing",
                "10.1                  | '10.1': '10.1' is not an IPv4 address: it needs four dotted decimal octets",
                "10.0.0.256            | '10.0.0.256': '10.0.0.256': octet 256 is above 255",
                "010.0.0.1             | '010.0.0.1': '010.0.0.1': octet '010' has a leading zero (octal to some tools)",
                "10..0.1               | '10..0.1': '10..0.1' is not an IPv4 address: octet ''",
                "gateway.example       | 'gateway.example': 'gateway.example' is not an IP address, prefix, range or 'dynamic' (names are not resolved)",
                "dynamc                | 'dynamc': 'dynamc' is not an IP address, prefix, range or 'dynamic' (names are not resolved)",
                "fe80::1%eth0          | 'fe80::1%eth0': 'fe80::1%eth0': a zone index has no place in a selector",
                "1::2::3               | '1::2::3': '1::2::3' has more than one '::'",
                "1:2:3:4:5:6:7         | '1:2:3:4:5:6:7': '1:2:3:4:5:6:7' is not an IPv6 address: 7 groups",
                "1:2:3:4::5:6:7:8      | '1:2:3:4::5:6:7:8': '1:2:3:4::5:6:7:8' is not an IPv6 address: 8 groups",
                "2001:db8::12345       | '2001:db8::12345': '2001:db8::12345' is not an IPv6 address: group '12345'",
                "2001:db8:::1          | '2001:db8:::1': '2001:db8:::1' has more than one '::'",
                "[udp]                 | '[udp]': no addresses before '['; write e.g. 0.0.0.0/0[udp], ::/0[udp] or dynamic[udp]",
                "10.0.0.0/8[tcp        | '10.0.0.0/8[tcp': '[' without ']'",
                "10.0.0.0/8]           | '10.0.0.0/8]': ']' without '['",
                "10.0.0.0/8[tcp]x      | '10.0.0.0/8[tcp]x': text after ']'",
                "10.0.0.0/8[]          | '10.0.0.0/8[]': protocol missing in '[...]'",
                "10.0.0.0/8[/443]      | '10.0.0.0/8[/443]': protocol missing in '[...]'",
                "10.0.0.0/8[tpc/443]   | '10.0.0.0/8[tpc/443]': unknown protocol 'tpc'; use tcp, udp, icmp, ipv6-icmp, sctp, dccp, udplite, gre, esp, ah or a number 0..255",
                "10.0.0.0/8[256]       | '10.0.0.0/8[256]': protocol 256 is above 255",
                "10.0.0.0/8[tcp/]      | '10.0.0.0/8[tcp/]': ports missing after '/'",
                "10.0.0.0/8[tcp/65536] | '10.0.0.0/8[tcp/65536]': port '65536' is not a number 0..65535",
                "10.0.0.0/8[tcp/http]  | '10.0.0.0/8[tcp/http]': port 'http' is not a number 0..65535",
                "10.0.0.0/8[tcp/443-80]| '10.0.0.0/8[tcp/443-80]': port range starts above its end",
                "10.0.0.0/8[0/443]     | '10.0.0.0/8[0/443]': ports need a protocol, e.g. [tcp/443]",
                "10.0.0.0/8[gre/1]     | '10.0.0.0/8[gre/1]': protocol gre has no ports (RFC 7296 §3.13.1: they must be 0-65535)",
                "10.0.0.0/8[icmp/256]  | '10.0.0.0/8[icmp/256]': ICMP type '256' is not a number 0..255",
                "10.0.0.0/8[icmp/3/x]  | '10.0.0.0/8[icmp/3/x]': ICMP code 'x' is not a number 0..255",
                "10.0.0.0/8[icmp/5-3]  | '10.0.0.0/8[icmp/5-3]': type/code range starts above its end",
                "::/0[icmp]            | '::/0[icmp]': icmp is ICMP for IPv4; for IPv6 write ipv6-icmp",
                "0.0.0.0/0[ipv6-icmp]  | '0.0.0.0/0[ipv6-icmp]': ipv6-icmp is ICMP for IPv6; for IPv4 write icmp",
                "dynamic[tcp/x]        | 'dynamic[tcp/x]': port 'x' is not a number 0..65535",
                "10.0.0.0/8[tcp[/1]]   | '10.0.0.0/8[tcp[/1]]': '[' inside '[...]'",
            })
    void errorsSayWhatIsWrong(String text, String message) {
        SelectorSyntaxException e = assertThrows(SelectorSyntaxException.class, () -> ConfiguredSelector.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void listErrorsNameTheEntry() {
        assertEquals(
                "entry 2 of 3: '10.0.0.0/33': prefix length 33 is above 32, the longest for IPv4",
                assertThrows(
                                SelectorSyntaxException.class,
                                () -> ConfiguredSelector.parseList("10.1.0.0/16, 10.0.0.0/33, ::/0"))
                        .getMessage());
        assertEquals(
                "entry 2 of 2: empty traffic selector",
                assertThrows(SelectorSyntaxException.class, () -> ConfiguredSelector.parseList("10.1.0.0/16,"))
                        .getMessage());
        assertEquals(
                "'10.1.0.0/33': prefix length 33 is above 32, the longest for IPv4",
                assertThrows(SelectorSyntaxException.class, () -> ConfiguredSelector.parseList("10.1.0.0/33"))
                        .getMessage(),
                "a single entry needs no number");
        assertEquals(
                "no traffic selector",
                assertThrows(SelectorSyntaxException.class, () -> ConfiguredSelector.parse(null))
                        .getMessage());
    }

    static Selector fixed(String text) {
        return ((ConfiguredSelector.Fixed) ConfiguredSelector.parse(text)).selector();
    }
}
