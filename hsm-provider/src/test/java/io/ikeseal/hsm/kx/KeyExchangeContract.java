package io.ikeseal.hsm.kx;

import static io.ikeseal.hsm.kx.KxTestSupport.cat;
import static io.ikeseal.hsm.kx.KxTestSupport.fieldPrime;
import static io.ikeseal.hsm.kx.KxTestSupport.pad;
import static io.ikeseal.hsm.kx.KxTestSupport.softwareDecode;
import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import javax.crypto.KeyAgreement;
import javax.crypto.interfaces.DHPublicKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.PKCS11Constants;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.kx.InvalidKeyExchangeException.Reason;
import io.ikeseal.hsm.kx.KxTestSupport.SoftPeer;
import io.ikeseal.hsm.token.DirectKey;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenOperation;

/** KeyExchange on a real token against software peers, RFC 5903 known answers and bad peer values. */
abstract class KeyExchangeContract {
    static final AuditContext CTX = new AuditContext("0123456789abcdef", "fedcba9876543210", "192.0.2.7");

    /** The token under test: each subclass registers its extension on a static field and passes it here. */
    private final OpenTokenExtension opened;

    KeyExchangeContract(OpenTokenExtension opened) {
        this.opened = opened;
    }

    Token token() {
        return opened.token();
    }

    MemoryAuditSink audit() {
        return opened.audit();
    }

    /** Asserts {@code gir} holds exactly {@code expected}, without reading a sealed key. */
    abstract void assertSecret(SealedKey gir, byte[] expected) throws Exception;

    /**
     * Whether g^ir comes back as a token key without the leading zero octets of a CKM_DH_PKCS_DERIVE result (NSS
     * softoken at the sealed tier), recorded as {@link SealedKey#missingLeadingZeros()}.
     */
    abstract boolean dropsDhLeadingZeros();

    /** Test-only path: a known private value as a session key the token may derive with. */
    abstract DirectKey importPrivate(DhGroup group, BigInteger s) throws Exception;

    KeyExchange kx() {
        return new KeyExchange(token());
    }

    DhKeyPair generate(DhGroup g) {
        return await(kx().generate(g, CTX));
    }

    @ParameterizedTest
    @EnumSource(DhGroup.class)
    void tokenKeyPairAgreesWithSoftwarePeer(DhGroup g) throws Exception {
        DhKeyPair mine = generate(g);
        SoftPeer peer = SoftPeer.generate(g);
        byte[] expected = peer.agree(mine.keyExchangeData());
        SealedKey gir = await(kx().agree(mine, peer.keData(), CTX));
        assertEquals("g^ir", gir.name());
        assertEquals(g.sharedSecretLength(), gir.length());
        // A g^ir with a leading zero octet (1 in 256) is covered exactly by modpGirWithLeadingZerosKeepsItsRfcLength.
        assertTrue(
                gir.missingLeadingZeros() <= (dropsDhLeadingZeros() ? leadingZeros(expected) : 0),
                "missing leading zeros: " + gir.missingLeadingZeros());
        assertSecret(gir, expected);
        assertTrue(mine.isDestroyed(), "single use");
    }

    /** The public value of a token key pair is a valid element: on the curve, or 2^x in the order-q subgroup. */
    @ParameterizedTest
    @EnumSource(DhGroup.class)
    void publicValueDecodesToAGroupElement(DhGroup g) throws Exception {
        DhKeyPair mine = generate(g);
        byte[] data = mine.keyExchangeData();
        assertEquals(g.publicValueLength(), data.length);
        BigInteger p = fieldPrime(g);
        if (g.kind() == DhGroup.Kind.MODP) {
            BigInteger y = ((DHPublicKey) softwareDecode(g, data)).getY();
            assertTrue(y.compareTo(BigInteger.ONE) > 0 && y.compareTo(p.subtract(BigInteger.ONE)) < 0);
            // g = 2 is a quadratic residue mod these safe primes, so g^x has order q = (p-1)/2.
            assertEquals(BigInteger.ONE, y.modPow(p.shiftRight(1), p));
        } else {
            ECPoint w = ((ECPublicKey) softwareDecode(g, data)).getW();
            var c = EcpCurves.parameters(g).getCurve();
            BigInteger x = w.getAffineX();
            BigInteger y = w.getAffineY();
            assertTrue(x.compareTo(p) < 0 && y.compareTo(p) < 0);
            assertEquals(
                    y.pow(2).mod(p),
                    x.pow(3).add(c.getA().multiply(x)).add(c.getB()).mod(p),
                    "on the curve");
        }
        KeyExchangeData.decode(g, data); // our own value passes the checks a peer applies
        assertFalse(mine.toString().contains(HexFormat.of().formatHex(data, 0, 8)), mine.toString());
    }

    @Test
    void auditsOneTokenCallPerOperationWithMechanismAndKeyRef() throws Exception {
        for (DhGroup g : List.of(DhGroup.ECP_256, DhGroup.MODP_2048)) {
            boolean modp = g.kind() == DhGroup.Kind.MODP;
            audit().clear();
            DhKeyPair mine = generate(g);
            await(kx().agree(mine, SoftPeer.generate(g).keData(), CTX));
            List<AuditRecord> recs = audit().records();
            assertEquals(
                    List.of("dh-keygen", "dh-derive"),
                    recs.stream().map(AuditRecord::operation).toList());
            assertEquals(
                    modp ? "CKM_DH_PKCS_KEY_PAIR_GEN" : "CKM_EC_KEY_PAIR_GEN",
                    recs.get(0).mechanism());
            assertEquals("dh-" + g.proposalName(), recs.get(0).keyRef());
            assertEquals(
                    modp ? "CKM_DH_PKCS_DERIVE" : "CKM_ECDH1_DERIVE",
                    recs.get(1).mechanism());
            assertEquals("g^ir", recs.get(1).keyRef());
            assertEquals(CTX, recs.get(1).context());
            assertEquals("ok", recs.get(0).result());
        }
    }

    @Test
    void keyPairIsSingleUse() throws Exception {
        DhKeyPair mine = generate(DhGroup.ECP_256);
        byte[] peer = SoftPeer.generate(DhGroup.ECP_256).keData();
        await(kx().agree(mine, peer, CTX));
        assertTrue(mine.isDestroyed());
        assertTrue(mine.toString().endsWith(", destroyed]"), mine.toString());
        assertThrows(IllegalStateException.class, () -> kx().agree(mine, peer, CTX));
    }

    /** RFC 5903 §8: the published i imported into the token, agreed with the published g^r, gives g^ir. */
    @ParameterizedTest
    @EnumSource(
            value = DhGroup.class,
            names = {"ECP_256", "ECP_384", "ECP_521"})
    void rfc5903KnownAnswer(DhGroup g) throws Exception {
        Rfc5903Vectors v = Rfc5903Vectors.of(g);
        // The transcribed vector is consistent in software: i * g^r = g^ir and r * g^i = g^ir.
        assertArrayEquals(v.girx(), softwareAgree(g, v.i(), v.gr()));
        assertArrayEquals(v.girx(), softwareAgree(g, v.r(), v.gi()));
        DirectKey i = importPrivate(g, new BigInteger(1, v.i()));
        DhKeyPair mine = new DhKeyPair(token(), g, v.gi(), i);
        SealedKey gir = await(kx().agree(mine, v.gr(), CTX));
        assertEquals(g.sharedSecretLength(), gir.length());
        assertSecret(gir, v.girx());
    }

    /**
     * RFC 7296 §2.14: g^ir keeps its leading zeros. A software peer whose g^ir starts with 0x00 is searched (about
     * 256 tries), then the token agrees once: g^ir has the prime's length, the token key lacks exactly the zeros
     * (sealed NSS) or none (read out and padded), and its value with the zeros in front is the peer's.
     */
    @Test
    void modpGirWithLeadingZerosKeepsItsRfcLength() throws Exception {
        DhGroup g = DhGroup.MODP_2048;
        DhKeyPair mine = generate(g);
        LeadingZeroPeer found = LeadingZeroPeer.search(mine);
        audit().clear();
        SealedKey gir = await(kx().agree(mine, found.peer().keData(), CTX));
        assertEquals(256, gir.length());
        assertEquals(dropsDhLeadingZeros() ? leadingZeros(found.gir()) : 0, gir.missingLeadingZeros());
        assertSecret(gir, found.gir());
        assertTrue(mine.isDestroyed());
        assertEquals(
                List.of("ok"),
                audit().byOperation("dh-derive").stream()
                        .map(AuditRecord::result)
                        .toList());
        assertFalse(gir.toString().toLowerCase(java.util.Locale.ROOT).contains("zero"), gir.toString());
    }

    static int leadingZeros(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] == 0) {
            n++;
        }
        return n;
    }

    /** A software peer whose g^ir with {@code mine} starts with a zero octet, and that g^ir. */
    record LeadingZeroPeer(SoftPeer peer, byte[] gir) {
        static final int MAX_TRIES = 5000;
        static final long MAX_NANOS = 20_000_000_000L;

        /** Software key pairs only (the cheap side); fails after 5000 tries or 20 s (p = 0.4% per try). */
        static LeadingZeroPeer search(DhKeyPair mine) throws Exception {
            long start = System.nanoTime();
            for (int tries = 1; tries <= MAX_TRIES && System.nanoTime() - start < MAX_NANOS; tries++) {
                SoftPeer peer = SoftPeer.generate(mine.group());
                byte[] gir = peer.agree(mine.keyExchangeData());
                if (gir[0] == 0) {
                    return new LeadingZeroPeer(peer, gir);
                }
            }
            throw new AssertionError("no " + mine.group().proposalName() + " g^ir with a leading zero octet in "
                    + MAX_TRIES + " tries / 20 s");
        }
    }

    // ---- bad peer values: each refused with its reason, before any token call ----

    @Test
    void rejectsShortValue() throws Exception {
        assertRejected(DhGroup.ECP_256, Arrays.copyOf(validPeer(DhGroup.ECP_256), 63), Reason.WRONG_LENGTH);
    }

    @Test
    void rejectsLongValueSuchAsTheSec1Encoding() throws Exception {
        assertRejected(DhGroup.ECP_256, cat(new byte[] {4}, validPeer(DhGroup.ECP_256)), Reason.WRONG_LENGTH);
    }

    @Test
    void rejectsEmptyValue() throws Exception {
        assertRejected(DhGroup.MODP_2048, new byte[0], Reason.WRONG_LENGTH);
    }

    @Test
    void rejectsModpZero() throws Exception {
        assertRejected(DhGroup.MODP_2048, new byte[256], Reason.OUT_OF_RANGE);
    }

    @Test
    void rejectsModpOne() throws Exception {
        assertRejected(DhGroup.MODP_2048, pad(BigInteger.ONE, 256), Reason.OUT_OF_RANGE);
    }

    @Test
    void rejectsModpPMinusOne() throws Exception {
        assertRejected(
                DhGroup.MODP_3072, pad(ModpGroups.PRIME_3072.subtract(BigInteger.ONE), 384), Reason.OUT_OF_RANGE);
    }

    @Test
    void rejectsModpP() throws Exception {
        assertRejected(DhGroup.MODP_2048, pad(ModpGroups.PRIME_2048, 256), Reason.OUT_OF_RANGE);
    }

    @Test
    void rejectsModpAboveP() throws Exception {
        byte[] allOnes = new byte[256];
        Arrays.fill(allOnes, (byte) 0xff);
        assertRejected(DhGroup.MODP_2048, allOnes, Reason.OUT_OF_RANGE);
    }

    @Test
    void rejectsPointOffTheCurve() throws Exception {
        byte[] v = validPeer(DhGroup.ECP_384);
        v[v.length - 1] ^= 1;
        assertRejected(DhGroup.ECP_384, v, Reason.NOT_ON_CURVE);
    }

    @Test
    void rejectsXAtLeastP() throws Exception {
        DhGroup g = DhGroup.ECP_256;
        byte[] v = validPeer(g);
        System.arraycopy(pad(fieldPrime(g), 32), 0, v, 0, 32);
        assertRejected(g, v, Reason.OUT_OF_RANGE);
    }

    @Test
    void rejectsYAtLeastP() throws Exception {
        DhGroup g = DhGroup.ECP_521;
        byte[] v = validPeer(g);
        // y + p (fits in 66 octets as p = 2^521 - 1): the same residue as a valid y, so it satisfies the curve
        // equation mod p and only the range check can refuse it.
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(v, 66, 132));
        System.arraycopy(pad(y.add(fieldPrime(g)), 66), 0, v, 66, 66);
        assertRejected(g, v, Reason.OUT_OF_RANGE);
    }

    @Test
    void rejectsAllZeroPoint() throws Exception {
        assertRejected(DhGroup.ECP_256, new byte[64], Reason.POINT_AT_INFINITY);
    }

    @Test
    void rejectsAnotherGroupsValue() throws Exception {
        assertRejected(DhGroup.ECP_256, validPeer(DhGroup.ECP_384), Reason.WRONG_LENGTH);
    }

    @Test
    void rejectsAKePayloadOfAnotherGroup() throws Exception {
        assertRejected(DhGroup.ECP_256, DhGroup.ECP_384, validPeer(DhGroup.ECP_256), Reason.GROUP_MISMATCH);
    }

    void assertRejected(DhGroup g, byte[] peer, Reason reason) throws Exception {
        assertRejected(g, g, peer, reason);
    }

    void assertRejected(DhGroup g, DhGroup declared, byte[] peer, Reason reason) throws Exception {
        Set<String> before = aliases();
        DhKeyPair mine = generate(g);
        audit().clear();
        InvalidKeyExchangeException e =
                assertThrows(InvalidKeyExchangeException.class, () -> kx().agree(mine, declared, peer, CTX));
        assertEquals(reason, e.reason());
        assertEquals(g, e.group());
        assertTrue(e.getMessage().contains(g.proposalName()) && e.getMessage().contains(reason.name()), e.getMessage());
        if (peer.length >= 8) {
            String hex = HexFormat.of().formatHex(peer);
            for (int i = 0; i + 16 <= hex.length(); i += 16) {
                assertFalse(
                        e.getMessage().toLowerCase(java.util.Locale.ROOT).contains(hex.substring(i, i + 16)),
                        "value in message");
            }
        }
        assertTrue(mine.isDestroyed(), "key pair destroyed on failure too");
        assertEquals(List.of(), audit().records(), "no token call");
        assertEquals(before, aliases(), "no persistent token object");
    }

    Set<String> aliases() throws KeyStoreException {
        return new TreeSet<>(Collections.list(token().keyStore().aliases()));
    }

    static byte[] validPeer(DhGroup g) throws Exception {
        return SoftPeer.generate(g).keData();
    }

    /** i * (point) in software: SunEC ECDH with a known private value. */
    static byte[] softwareAgree(DhGroup g, byte[] priv, byte[] pointData) throws Exception {
        PrivateKey k = KeyFactory.getInstance("EC", "SunEC")
                .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, priv), EcpCurves.parameters(g)));
        KeyAgreement ka = KeyAgreement.getInstance("ECDH", "SunEC");
        ka.init(k);
        ka.doPhase(softwareDecode(g, pointData), true);
        return pad(ka.generateSecret(), g.sharedSecretLength());
    }

    DirectKey importPrivateKey(DhGroup g, BigInteger s) {
        return importPrivateKey(token(), g, s);
    }

    /**
     * Imports {@code s} as a session object through the direct binding, as one audited test call. Static so other
     * known-answer tests (Rfc5114VectorTest) import the same way.
     */
    static DirectKey importPrivateKey(Token token, DhGroup g, BigInteger s) {
        return await(token.call(new TokenOperation("test-import", "C_CreateObject", "dh-test"), null, () -> {
            var session = token.direct().current();
            CK_ATTRIBUTE[] t = {
                new CK_ATTRIBUTE(PKCS11Constants.CKA_CLASS, PKCS11Constants.CKO_PRIVATE_KEY),
                new CK_ATTRIBUTE(PKCS11Constants.CKA_KEY_TYPE, PKCS11Constants.CKK_EC),
                new CK_ATTRIBUTE(PKCS11Constants.CKA_TOKEN, false),
                new CK_ATTRIBUTE(PKCS11Constants.CKA_SENSITIVE, true),
                new CK_ATTRIBUTE(PKCS11Constants.CKA_DERIVE, true),
                new CK_ATTRIBUTE(PKCS11Constants.CKA_EC_PARAMS, DirectKeyExchange.curveOid(g)),
                new CK_ATTRIBUTE(PKCS11Constants.CKA_VALUE, pad(s, g.sharedSecretLength()))
            };
            return session.adopt(session.p11().C_CreateObject(session.id(), t));
        }));
    }
}
