package io.ikeseal.hsm.schedule;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

import javax.crypto.KeyAgreement;
import javax.crypto.interfaces.DHPublicKey;
import javax.crypto.spec.DHParameterSpec;
import javax.crypto.spec.DHPublicKeySpec;

import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;

import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.kx.ModpGroups;

/**
 * The other end of a key exchange in software (SunEC, SunJCE): it holds its own private value, so the test knows
 * g^ir without the token ever revealing it. Key Exchange Data is encoded and decoded here independently of the main
 * code (RFC 7296 §3.4; RFC 5903 §7: x | y for ECP, g^x padded to the prime's length for MODP).
 */
final class SoftwarePeer {
    private final DhGroup group;
    private final KeyPair pair;

    private SoftwarePeer(DhGroup group, KeyPair pair) {
        this.group = group;
        this.pair = pair;
    }

    static SoftwarePeer generate(DhGroup group) {
        try {
            boolean ecp = group.kind() == DhGroup.Kind.ECP;
            KeyPairGenerator g = KeyPairGenerator.getInstance(ecp ? "EC" : "DH", ecp ? "SunEC" : "SunJCE");
            if (ecp) {
                g.initialize(new ECGenParameterSpec(group.curve()));
            } else {
                g.initialize(ModpGroups.parameters(group));
            }
            return new SoftwarePeer(group, g.generateKeyPair());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A MODP peer whose g^ir with {@code tokenKe} starts with a zero octet, so the token's trimming of leading zeros
     * (RFC 7296 §2.14 keeps them) is exercised: about one try in 256 succeeds.
     */
    static SoftwarePeer withLeadingZero(DhGroup group, byte[] tokenKe) {
        for (int i = 0; i < 20_000; i++) {
            SoftwarePeer p = generate(group);
            if (p.gir(tokenKe)[0] == 0) {
                return p;
            }
        }
        throw new AssertionError("no g^ir with a leading zero octet in 20000 tries");
    }

    /** Our Key Exchange Data for the KE payload. */
    byte[] keData() {
        int f = group.sharedSecretLength();
        if (group.kind() == DhGroup.Kind.MODP) {
            return fixed(((DHPublicKey) pair.getPublic()).getY(), f);
        }
        ECPoint w = ((ECPublicKey) pair.getPublic()).getW();
        return cat(fixed(w.getAffineX(), f), fixed(w.getAffineY(), f));
    }

    /** g^ir as RFC 7296 §2.14 uses it: for MODP padded to the prime's length, for ECP the x coordinate. */
    byte[] gir(byte[] tokenKe) {
        try {
            KeyAgreement ka = KeyAgreement.getInstance(
                    group.kind() == DhGroup.Kind.ECP ? "ECDH" : "DH",
                    group.kind() == DhGroup.Kind.ECP ? "SunEC" : "SunJCE");
            ka.init(pair.getPrivate());
            ka.doPhase(decode(tokenKe), true);
            byte[] s = ka.generateSecret();
            return fixed(new BigInteger(1, s), group.sharedSecretLength());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** For ECP, the whole shared point x | y (not only the x coordinate IKE uses), computed with BouncyCastle. */
    byte[] sharedPoint(byte[] tokenKe) {
        int f = group.sharedSecretLength();
        ECNamedCurveParameterSpec spec = ECNamedCurveTable.getParameterSpec(group.curve());
        org.bouncycastle.math.ec.ECPoint q = spec.getCurve()
                .createPoint(
                        new BigInteger(1, Arrays.copyOfRange(tokenKe, 0, f)),
                        new BigInteger(1, Arrays.copyOfRange(tokenKe, f, 2 * f)));
        org.bouncycastle.math.ec.ECPoint s =
                q.multiply(((ECPrivateKey) pair.getPrivate()).getS()).normalize();
        return cat(
                fixed(s.getAffineXCoord().toBigInteger(), f),
                fixed(s.getAffineYCoord().toBigInteger(), f));
    }

    private PublicKey decode(byte[] ke) throws Exception {
        int f = group.sharedSecretLength();
        if (group.kind() == DhGroup.Kind.MODP) {
            DHParameterSpec p = ModpGroups.parameters(group);
            return KeyFactory.getInstance("DH", "SunJCE")
                    .generatePublic(new DHPublicKeySpec(new BigInteger(1, ke), p.getP(), p.getG()));
        }
        ECPublicKey mine = (ECPublicKey) pair.getPublic();
        ECPoint w = new ECPoint(
                new BigInteger(1, Arrays.copyOfRange(ke, 0, f)), new BigInteger(1, Arrays.copyOfRange(ke, f, 2 * f)));
        return KeyFactory.getInstance("EC", "SunEC").generatePublic(new ECPublicKeySpec(w, mine.getParams()));
    }

    static byte[] fixed(BigInteger v, int length) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[length];
        int n = Math.min(b.length, length);
        System.arraycopy(b, b.length - n, out, length - n, n);
        return out;
    }

    /** {@code value} without its leading zero octets (how NSS holds a MODP g^ir). */
    static byte[] trimmed(byte[] value) {
        int z = 0;
        while (z < value.length - 1 && value[z] == 0) {
            z++;
        }
        return Arrays.copyOfRange(value, z, value.length);
    }

    static byte[] cat(byte[]... parts) {
        return Ikev2Reference.cat(parts);
    }
}
