package io.ikeseal.agent.auth;

import static io.ikeseal.agent.wire.IdentificationPayload.ID_DER_ASN1_DN;
import static io.ikeseal.agent.wire.IdentificationPayload.ID_DER_ASN1_GN;
import static io.ikeseal.agent.wire.IdentificationPayload.ID_FQDN;
import static io.ikeseal.agent.wire.IdentificationPayload.ID_IPV4_ADDR;
import static io.ikeseal.agent.wire.IdentificationPayload.ID_IPV6_ADDR;
import static io.ikeseal.agent.wire.IdentificationPayload.ID_KEY_ID;
import static io.ikeseal.agent.wire.IdentificationPayload.ID_RFC822_ADDR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.testhsm.TestCa;

/** Identity strings as strongSwan users write them, the ID payloads they make, printing and matching. */
class IkeIdentityTest {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * RestOfIDPayload octets of AOSP's IPsec tests (IkeIdPayloadTest, IkeAuthPskPayloadTest): public encodings of an
     * independent implementation. The DN is C=US, O=Android, CN=... in DER order; strongSwan writes it that way.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "192.0.2.100 | 01000000c0000264",
                "10.80.80.13 | 010000000a50500d",
                "0:2001:0:db8::1 | 050000000000200100000db80000000000000001",
                "ike.android.net | 02000000696b652e616e64726f69642e6e6574",
                "androidike@example.com | 03000000616e64726f6964696b65406578616d706c652e636f6d",
                "keyid:androidIkeKeyId | 0b000000616e64726f6964496b654b65794964",
                "@#616e64726f6964496b654b65794964 | 0b000000616e64726f6964496b654b65794964",
                "'C=US, O=Android, CN=small.server.test.android.net' | 090000003047310b30090603550406130255533110300e060355"
                        + "040a1307416e64726f6964312630240603550403131d736d616c6c2e7365727665722e746573742e616e64726f69642e6e6574",
            })
    void encodesAsAnIndependentImplementationDoes(String configured, String restOfPayload) {
        IdentificationPayload idi = IkeIdentity.parse(configured).toPayload(PayloadType.IDI);
        assertEquals(restOfPayload, HEX.formatHex(idi.restOfPayload()));
        assertEquals(IkeIdentity.parse(configured), IkeIdentity.of(idi));
    }

    @Test
    void dnIsWrittenInDerOrderWhichIsTheReverseOfRfc4514() {
        IkeIdentity strongSwanStyle = IkeIdentity.parse("C=US, O=Android, CN=small.server.test.android.net");
        // AOSP's test names the same DN in X500Principal's (RFC 4514) order, last RDN first
        X500Principal rfc4514 = new X500Principal("CN=small.server.test.android.net, O=Android, C=US");
        assertTrue(strongSwanStyle.matches(IkeIdentity.dn(rfc4514)));
        assertFalse(
                strongSwanStyle.matches(
                        IkeIdentity.dn(new X500Principal("C=US, O=Android, CN=small.server.test.android.net"))),
                "the same RDNs in the other order are another DN");
        assertEquals("C=US, O=Android, CN=small.server.test.android.net", strongSwanStyle.toString());
        assertEquals(strongSwanStyle, IkeIdentity.parse("/C=US/O=Android/CN=small.server.test.android.net"));
    }

    @Test
    void dnMatchingIgnoresStringTypesAndCaseAsX500PrincipalDoes() throws Exception {
        // UTF8String values where the JDK (and strongSwan) would write PrintableString
        byte[] utf8 = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.C, "DE")
                .addRDN(BCStyle.O, "Example GmbH")
                .addRDN(BCStyle.CN, "gw.example")
                .build()
                .getEncoded(ASN1Encoding.DER);
        IkeIdentity received = new IkeIdentity(ID_DER_ASN1_DN, utf8);
        IkeIdentity configured = IkeIdentity.parse("C=DE, O=example gmbh, CN=GW.example");
        assertFalse(configured.equals(received), "other octets");
        assertTrue(configured.matches(received));
        assertFalse(IkeIdentity.parse("C=DE, O=Example GmbH").matches(received), "a prefix is not the DN");
        assertFalse(
                new IkeIdentity(ID_DER_ASN1_DN, HEX.parseHex("090000001010101010")).matches(received),
                "AOSP's malformed DN never matches");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "@gw.example | 2 | gw.example",
                "gw.example | 2 | gw.example",
                "fqdn:user@odd.example | 2 | fqdn:user@odd.example",
                "dns:a=b | 2 | fqdn:a=b",
                "@@branch | 3 | email:branch",
                "ops@example.org | 3 | ops@example.org",
                "email:ops | 3 | email:ops",
                "userfqdn:ops@example.org | 3 | ops@example.org",
                "ipv4:192.0.2.1 | 1 | 192.0.2.1",
                "2001:db8::1 | 5 | 2001:db8:0:0:0:0:0:1",
                "1.2.3.4.example | 2 | 1.2.3.4.example",
                "keyid:#0a0B | 11 | @#0a0b",
                "asn1gn:#8207612e6578616d | 10 | asn1gn:#8207612e6578616d",
                "'CN=a\\, b, O=x' | 9 | 'CN=a\\, b, O=x'",
                "'E=ops@example.org, SN=1234, CN=x' | 9 | 'E=ops@example.org, SN=1234, CN=x'",
            })
    void parsesLikeStrongSwanAndPrintsBack(String configured, int type, String printed) {
        IkeIdentity id = IkeIdentity.parse(configured);
        assertEquals(type, id.type());
        assertEquals(printed, id.toString());
        assertEquals(id, IkeIdentity.parse(id.toString()), "the printed form parses back");
    }

    @Test
    void strongSwanKeywordsMeanWhatTheyMeanThere() {
        byte[] der = IkeIdentity.parse("E=ops@example.org, SN=1234, S=Doe").data();
        String hex = HEX.formatHex(der);
        assertTrue(hex.contains("06092a864886f70d010901" + "16"), "E is emailAddress, an IA5String: " + hex);
        assertTrue(hex.contains("0603550405"), "SN is serialNumber (2.5.4.5), not surname: " + hex);
        assertTrue(hex.contains("0603550404"), "S is surname (2.5.4.4): " + hex);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "%any",
                "%any6",
                "*",
                "0.0.0.0",
                "::",
                "1.2.3.999",
                "fe80::zz",
                "ipv4:2001:db8::1",
                "ipv6:192.0.2.1",
                "@#abc",
                "@#",
                "@#xyz0",
                "CN=x, garbage",
                "/CN=x/",
                "gw example",
                "fqdn:",
                "@",
                "fqdn:caf\u00e9.example",
                "email:a\nb",
                "asn1gn:text"
            })
    void refusesWhatStrongSwanWouldTurnIntoSomethingElse(String configured) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IkeIdentity.parse(configured));
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void receivedOddIdsPrintSafelyAndStillParseBack() {
        List<IkeIdentity> odd = List.of(
                new IkeIdentity(ID_FQDN, "user@odd.example".getBytes(StandardCharsets.US_ASCII)),
                new IkeIdentity(ID_FQDN, "#hash".getBytes(StandardCharsets.US_ASCII)),
                new IkeIdentity(ID_FQDN, "fqdn:x".getBytes(StandardCharsets.US_ASCII)),
                new IkeIdentity(ID_FQDN, "line\nbreak".getBytes(StandardCharsets.US_ASCII)),
                new IkeIdentity(ID_FQDN, new byte[] {(byte) 0xff, 0x00, 0x41}),
                new IkeIdentity(ID_RFC822_ADDR, "b\u00fccher@example.de".getBytes(StandardCharsets.UTF_8)),
                new IkeIdentity(ID_RFC822_ADDR, new byte[] {(byte) 0xc3}),
                new IkeIdentity(ID_RFC822_ADDR, "=@x".getBytes(StandardCharsets.US_ASCII)),
                new IkeIdentity(ID_DER_ASN1_DN, new byte[] {0x30, 0x00}),
                new IkeIdentity(ID_DER_ASN1_DN, new byte[] {0x01, 0x02}),
                new IkeIdentity(ID_KEY_ID, new byte[] {0x00}),
                new IkeIdentity(ID_IPV6_ADDR, HEX.parseHex("fe800000000000000000000000000001")),
                new IkeIdentity(ID_DER_ASN1_GN, new byte[] {0x01}));
        for (IkeIdentity id : odd) {
            String shown = id.toString();
            assertTrue(shown.chars().noneMatch(Character::isISOControl), shown);
            assertEquals(id, IkeIdentity.parse(shown), shown);
        }
        assertEquals("fqdn:#6c696e650a627265616b", odd.get(3).toString());
        assertEquals("(ID type 200) #0102", new IkeIdentity(200, new byte[] {1, 2}).toString());
        String huge = new IkeIdentity(ID_FQDN, "a".repeat(5000).getBytes(StandardCharsets.US_ASCII)).toString();
        assertTrue(huge.length() < 1100 && huge.endsWith("...(5000 octets)"), huge.substring(1000));
    }

    @Test
    void namesCompareAsNamesOctetsAsOctets() {
        assertTrue(IkeIdentity.parse("gw.Example.ORG").matches(IkeIdentity.parse("GW.example.org")), "RFC 4343");
        assertFalse(IkeIdentity.parse("gw.example.org").matches(IkeIdentity.parse("gw.example.org.")));
        assertFalse(IkeIdentity.parse("gw.example.org").matches(IkeIdentity.parse("*.example.org")), "no wildcards");
        assertTrue(IkeIdentity.parse("ops@Example.org").matches(IkeIdentity.parse("ops@example.ORG")), "domain");
        assertFalse(IkeIdentity.parse("Ops@example.org").matches(IkeIdentity.parse("ops@example.org")), "local part");
        assertFalse(IkeIdentity.parse("1.2.3.4").matches(IkeIdentity.parse("fqdn:1.2.3.4")), "never across types");
        assertTrue(IkeIdentity.parse("2001:db8::1").matches(IkeIdentity.parse("2001:0db8:0::0:1")));
        assertFalse(IkeIdentity.parse("@#0a").matches(IkeIdentity.parse("@#0A0A")));
        assertFalse(IkeIdentity.parse("gw.example").matches((IkeIdentity) null));
        assertFalse(
                new IkeIdentity(ID_FQDN, "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1))
                        .matches(new IkeIdentity(ID_FQDN, "CAF\u00c9".getBytes(StandardCharsets.ISO_8859_1))),
                "ASCII case only");
    }

    @Test
    void receivedPayloadsMatchTheConfiguredIdentity() {
        IkeIdentity configured = IkeIdentity.parse("@vpn.example");
        IdentificationPayload idr = IdentificationPayload.fqdn(PayloadType.IDR, "VPN.example");
        assertTrue(configured.matches(idr));
        assertEquals(PayloadType.IDR, configured.toPayload(PayloadType.IDR).kind());
        assertThrows(IllegalArgumentException.class, () -> configured.toPayload(PayloadType.AUTH));
        assertThrows(IllegalArgumentException.class, () -> new IkeIdentity(ID_IPV4_ADDR, new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> new IkeIdentity(ID_FQDN, new byte[0]));
    }

    @Test
    void certificateVouchesForItsSubjectAltNamesAndSubject() throws Exception {
        TestCa ca = TestCa.create("CN=identity test CA");
        var key = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
        X509Certificate c = ca.issue(
                key,
                "CN=gw,O=ikeseal",
                List.of("dns:gw.example", "email:ops@example.org", "ip:192.0.2.9", "ip:2001:db8::9"));
        assertEquals(
                List.of(
                        IkeIdentity.parse("gw.example"),
                        IkeIdentity.parse("ops@example.org"),
                        IkeIdentity.parse("192.0.2.9"),
                        IkeIdentity.parse("2001:db8::9"),
                        IkeIdentity.parse("O=ikeseal, CN=gw")),
                IkeIdentity.ofCertificate(c));
        assertTrue(IkeIdentity.parse("GW.example").isNamedIn(c));
        assertFalse(IkeIdentity.parse("gw").isNamedIn(c), "the CN is not a dNSName");
        assertFalse(IkeIdentity.parse("CN=gw, O=ikeseal").isNamedIn(c), "DER order: O first");
    }
}
