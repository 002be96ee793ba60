package io.ikeseal.hsm.kx;

import static io.ikeseal.hsm.kx.KeyExchangeContract.CTX;
import static io.ikeseal.hsm.kx.KeyExchangeContract.importPrivateKey;
import static io.ikeseal.hsm.kx.KeyExchangeContract.leadingZeros;
import static io.ikeseal.hsm.kx.KeyExchangeContract.softwareAgree;
import static io.ikeseal.hsm.kx.KxTestSupport.RANDOM;
import static io.ikeseal.hsm.kx.KxTestSupport.cat;
import static io.ikeseal.hsm.kx.KxTestSupport.hex;
import static io.ikeseal.hsm.kx.KxTestSupport.hmacSha256;
import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.ikeseal.hsm.DirectTestKeys;
import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.token.DirectKey;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * RFC 5114 Appendix A.6-A.8 ECDH test data, a second published source next to RFC 5903 §8. The 256-, 384- and
 * 521-bit random ECP groups (RFC 5114 §2.6-2.8) are the NIST curves of IKE groups 19-21. Each published private value
 * is imported into the NSS softoken (sealed tier), agreed through KeyExchange with the other side's published point,
 * and g^ir (= x_Z, RFC 5903 §7) is compared through HKDF-Extract in the token against software HMAC. Unlike the
 * RFC 5903 vectors, the 521-bit x_Z starts with a zero octet.
 */
class Rfc5114VectorTest {
    static final NssExtension nss = NssExtension.create().withName("rfc5114");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    /** The transcribed vector is consistent in software (SunEC): dA * Q_B = dB * Q_A = Z, and Z is on the curve. */
    @ParameterizedTest
    @EnumSource(
            value = DhGroup.class,
            names = {"ECP_256", "ECP_384", "ECP_521"})
    void vectorIsConsistentInSoftware(DhGroup g) throws Exception {
        Vector v = Vector.of(g);
        int f = g.sharedSecretLength();
        for (byte[] b : List.of(v.dA(), v.dB(), v.xZ(), v.yZ())) {
            assertEquals(f, b.length, "transcribed length");
        }
        assertArrayEquals(v.xZ(), softwareAgree(g, v.dA(), v.qB()));
        assertArrayEquals(v.xZ(), softwareAgree(g, v.dB(), v.qA()));
        // y_Z is not an ECDH output; decoding (x_Z, y_Z) checks its transcription with the curve equation.
        KeyExchangeData.decode(g, cat(v.xZ(), v.yZ()));
    }

    /** Both published public points, encoded x | y (RFC 5903 §7), pass the peer checks and round-trip. */
    @ParameterizedTest
    @EnumSource(
            value = DhGroup.class,
            names = {"ECP_256", "ECP_384", "ECP_521"})
    void publishedPublicPointsAreValidKeyExchangeData(DhGroup g) {
        Vector v = Vector.of(g);
        for (byte[] q : List.of(v.qA(), v.qB())) {
            assertEquals(g.publicValueLength(), q.length);
            ECPublicKey k = (ECPublicKey) KeyExchangeData.decode(g, q);
            int f = g.sharedSecretLength();
            assertEquals(
                    new BigInteger(1, Arrays.copyOfRange(q, 0, f)), k.getW().getAffineX());
            assertEquals(
                    new BigInteger(1, Arrays.copyOfRange(q, f, 2 * f)), k.getW().getAffineY());
            assertArrayEquals(q, KeyExchangeData.encode(g, k));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = DhGroup.class,
            names = {"ECP_256", "ECP_384", "ECP_521"})
    void tokenWithAsPrivateValueAndBsPointGivesZ(DhGroup g) throws Exception {
        Vector v = Vector.of(g);
        assertTokenAgrees(g, v.dA(), v.qA(), v.qB(), v.xZ());
    }

    @ParameterizedTest
    @EnumSource(
            value = DhGroup.class,
            names = {"ECP_256", "ECP_384", "ECP_521"})
    void tokenWithBsPrivateValueAndAsPointGivesZ(DhGroup g) throws Exception {
        Vector v = Vector.of(g);
        assertTokenAgrees(g, v.dB(), v.qB(), v.qA(), v.xZ());
    }

    private static void assertTokenAgrees(DhGroup g, byte[] d, byte[] myPoint, byte[] peerPoint, byte[] xZ)
            throws Exception {
        DirectKey priv = importPrivateKey(opened.token(), g, new BigInteger(1, d));
        DhKeyPair mine = new DhKeyPair(opened.token(), g, myPoint, priv);
        opened.audit().clear();
        SealedKey gir = await(new KeyExchange(opened.token()).agree(mine, peerPoint, CTX));
        assertTrue(mine.isDestroyed(), "single use");
        assertEquals(
                List.of("CKM_ECDH1_DERIVE"),
                opened.audit().byOperation("dh-derive").stream()
                        .map(AuditRecord::mechanism)
                        .toList());
        assertEquals(g.sharedSecretLength(), gir.length(), "g^ir keeps its RFC length");
        int zeros = gir.missingLeadingZeros();
        assertTrue(zeros <= leadingZeros(xZ), "missing leading zeros: " + zeros);
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        assertArrayEquals(hmacSha256(salt, xZ), DirectTestKeys.extract(opened.token(), salt, new byte[zeros], gir));
    }

    /** RFC 5114 Appendix A.6-A.8 (facts copied from the RFC): dA, Q_A = (x_qA, y_qA), dB, Q_B, Z = (x_Z, y_Z). */
    record Vector(DhGroup group, byte[] dA, byte[] qA, byte[] dB, byte[] qB, byte[] xZ, byte[] yZ) {
        static final Vector ECP_256 = new Vector(
                DhGroup.ECP_256,
                hex("81426414 5F2F56F2 E96A8E33 7A128499 3FAF432A 5ABCE59E 867B7291 D507A3AF"),
                hex("2AF502F3 BE8952F2 C9B5A8D4 160D09E9 7165BE50 BC42AE4A 5E8D3B4B A83AEB15"
                        + "EB0FAF4C A986C4D3 8681A0F9 872D79D5 6795BD4B FF6E6DE3 C0F5015E CE5EFD85"),
                hex("2CE1788E C197E096 DB95A200 CC0AB26A 19CE6BCC AD562B8E EE1B5937 61CF7F41"),
                hex("B120DE4A A3649279 5346E8DE 6C2C8646 AE06AAEA 279FA775 B3AB0715 F6CE51B0"
                        + "9F1B7EEC E20D7B5E D8EC685F A3F071D8 37270270 92A84113 85C34DDE 5708B2B6"),
                hex("DD0F5396 219D1EA3 93310412 D19A08F1 F5811E9D C8EC8EEA 7F80D21C 820C2788"),
                hex("0357DCCD 4C804D0D 8D33AA42 B848834A A5605F9A B0D37239 A115BBB6 47936F50"));

        static final Vector ECP_384 = new Vector(
                DhGroup.ECP_384,
                hex("D27335EA 71664AF2 44DD14E9 FD126071 5DFD8A79 65571C48"
                        + "D709EE7A 7962A156 D706A90C BCB5DF29 86F05FEA DB9376F1"),
                hex("793148F1 787634D5 DA4C6D90 74417D05 E057AB62 F82054D1"
                        + "0EE6B040 3D627954 7E6A8EA9 D1FD7742 7D016FE2 7A8B8C66"
                        + "C6C41294 331D23E6 F480F4FB 4CD40504 C947392E 94F4C3F0"
                        + "6B8F398B B29E4236 8F7A6859 23DE3B67 BACED214 A1A1D128"),
                hex("52D1791F DB4B70F8 9C0F00D4 56C2F702 3B612526 2C36A7DF"
                        + "1F802311 21CCE3D3 9BE52E00 C194A413 2C4A6C76 8BCD94D2"),
                hex("5CD42AB9 C41B5347 F74B8D4E FB708B3D 5B36DB65 915359B4"
                        + "4ABC1764 7B6B9999 789D72A8 4865AE2F 223F12B5 A1ABC120"
                        + "E171458F EAA939AA A3A8BFAC 46B404BD 8F6D5B34 8C0FA4D8"
                        + "0CECA163 56CA9332 40BDE872 3415A8EC E035B0ED F36755DE"),
                hex("5EA1FC4A F7256D20 55981B11 0575E0A8 CAE53160 137D904C"
                        + "59D926EB 1B8456E4 27AA8A45 40884C37 DE159A58 028ABC0E"),
                hex("0CC59E4B 046414A8 1C8A3BDF DCA92526 C48769DD 8D3127CA"
                        + "A99B3632 D1913942 DE362EAF AA962379 374D9F3F 066841CA"));

        static final Vector ECP_521 = new Vector(
                DhGroup.ECP_521,
                hex("0113 F82DA825 735E3D97 276683B2 B74277BA"
                        + "D27335EA 71664AF2 430CC4F3 3459B966 9EE78B3F FB9B8683"
                        + "015D344D CBFEF6FB 9AF4C6C4 70BE2545 16CD3C1A 1FB47362"),
                hex("01EB B34DD757 21ABF8AD C9DBED17 889CBB97"
                        + "65D90A7C 60F2CEF0 07BB0F2B 26E14881 FD4442E6 89D61CB2"
                        + "DD046EE3 0E3FFD20 F9A45BBD F6413D58 3A2DBF59 924FD35C"
                        + "00F6 B632D194 C0388E22 D8437E55 8C552AE1"
                        + "95ADFD15 3F92D749 08351B2F 8C4EDA94 EDB0916D 1B53C020"
                        + "B5EECAED 1A5FC38A 233E4830 587BB2EE 3489B3B4 2A5A86A4"),
                hex("00CE E3480D86 45A17D24 9F2776D2 8BAE6169"
                        + "52D1791F DB4B70F7 C3378732 AA1B2292 8448BCD1 DC2496D4"
                        + "35B01048 066EBE4F 72903C36 1B1A9DC1 193DC2C9 D0891B96"),
                hex("010E BFAFC6E8 5E08D24B FFFCC1A4 511DB0E6"
                        + "34BEEB1B 6DEC8C59 39AE4476 6201AF62 00430BA9 7C8AC6A0"
                        + "E9F08B33 CE7E9FEE B5BA4EE5 E0D81510 C24295B8 A08D0235"
                        + "00A4 A6EC300D F9E257B0 372B5E7A BFEF0934"
                        + "36719A77 887EBB0B 18CF8099 B9F4212B 6E30A141 9C18E029"
                        + "D36863CC 9D448F4D BA4D2A0E 60711BE5 72915FBD 4FEF2695"),
                hex("00CD EA89621C FA46B132 F9E4CFE2 261CDE2D"
                        + "4368EB56 56634C7C C98C7A00 CDE54ED1 866A0DD3 E6126C9D"
                        + "2F845DAF F82CEB1D A08F5D87 521BB0EB ECA77911 169C20CC"),
                hex("00F9 A7164102 9B7FC1A8 08AD07CD 4861E868"
                        + "614B865A FBECAB1F 2BD4D8B5 5EBCB5E3 A53143CE B2C511B1"
                        + "AE0AF5AC 827F60F2 FD872565 AC5CA0A1 64038FE9 80A7E4BD"));

        static Vector of(DhGroup g) {
            return switch (g) {
                case ECP_256 -> ECP_256;
                case ECP_384 -> ECP_384;
                case ECP_521 -> ECP_521;
                default -> throw new IllegalArgumentException(g.proposalName());
            };
        }
    }
}
