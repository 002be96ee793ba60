package io.ikeseal.hsm.kx;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.interfaces.DHPublicKey;
import javax.crypto.spec.DHPublicKeySpec;
import javax.crypto.spec.SecretKeySpec;

import io.ikeseal.hsm.api.DhGroup;

/**
 * Pure-software references (SunJCE, SunEC) with their own encoding and decoding of Key Exchange Data, so the code
 * under test is never its own reference.
 */
final class KxTestSupport {
    static final SecureRandom RANDOM = new SecureRandom();

    private KxTestSupport() {}

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
    }

    static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /** Unsigned big-endian, left-padded with zeros to {@code len}. */
    static byte[] pad(BigInteger v, int len) {
        byte[] b = v.toByteArray();
        int skip = 0;
        while (b.length - skip > len && b[skip] == 0) {
            skip++;
        }
        if (b.length - skip > len) {
            throw new IllegalArgumentException("too long");
        }
        byte[] out = new byte[len];
        System.arraycopy(b, skip, out, len - (b.length - skip), b.length - skip);
        return out;
    }

    static byte[] pad(byte[] v, int len) {
        return pad(new BigInteger(1, v), len);
    }

    static byte[] hmacSha256(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256", "SunJCE");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    static BigInteger fieldPrime(DhGroup g) {
        return g.kind() == DhGroup.Kind.MODP ? ModpGroups.prime(g) : EcpCurves.fieldPrime(g);
    }

    /** The peer's public value decoded without KeyExchangeData: g^y, or the point (x, y). */
    static PublicKey softwareDecode(DhGroup g, byte[] data) throws Exception {
        int f = g.sharedSecretLength();
        if (g.kind() == DhGroup.Kind.MODP) {
            return KeyFactory.getInstance("DH", "SunJCE")
                    .generatePublic(new DHPublicKeySpec(new BigInteger(1, data), ModpGroups.prime(g), BigInteger.TWO));
        }
        ECPoint w = new ECPoint(
                new BigInteger(1, Arrays.copyOfRange(data, 0, f)),
                new BigInteger(1, Arrays.copyOfRange(data, f, 2 * f)));
        return KeyFactory.getInstance("EC", "SunEC").generatePublic(new ECPublicKeySpec(w, EcpCurves.parameters(g)));
    }

    static byte[] softwareEncode(DhGroup g, PublicKey k) {
        int f = g.sharedSecretLength();
        if (k instanceof DHPublicKey dh) {
            return pad(dh.getY(), f);
        }
        ECPoint w = ((ECPublicKey) k).getW();
        return cat(pad(w.getAffineX(), f), pad(w.getAffineY(), f));
    }

    /** A software DH/ECDH peer (the responder or initiator on the other side of the wire). */
    record SoftPeer(DhGroup group, KeyPair keyPair) {
        static SoftPeer generate(DhGroup g) throws Exception {
            KeyPairGenerator kpg;
            if (g.kind() == DhGroup.Kind.MODP) {
                kpg = KeyPairGenerator.getInstance("DH", "SunJCE");
                kpg.initialize(ModpGroups.parameters(g), RANDOM);
            } else {
                kpg = KeyPairGenerator.getInstance("EC", "SunEC");
                kpg.initialize(new ECGenParameterSpec(g.curve()), RANDOM);
            }
            return new SoftPeer(g, kpg.generateKeyPair());
        }

        byte[] keData() {
            return softwareEncode(group, keyPair.getPublic());
        }

        /** g^ir as RFC 7296 §2.14 / RFC 5903 §7 define it: exactly the group's length. */
        byte[] agree(byte[] theirKeData) throws Exception {
            KeyAgreement ka = KeyAgreement.getInstance(
                    group.kind() == DhGroup.Kind.MODP ? "DH" : "ECDH",
                    group.kind() == DhGroup.Kind.MODP ? "SunJCE" : "SunEC");
            ka.init(keyPair.getPrivate());
            ka.doPhase(softwareDecode(group, theirKeData), true);
            return pad(ka.generateSecret(), group.sharedSecretLength());
        }
    }
}
