package io.ikeseal.hsm.kx;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.util.Arrays;

import javax.crypto.interfaces.DHPublicKey;
import javax.crypto.spec.DHPublicKeySpec;

import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.kx.InvalidKeyExchangeException.Reason;

/**
 * The Key Exchange Data of a KE payload (RFC 7296 §3.4): for MODP g^x big-endian, zero-padded to the prime's length
 * (§3.4 "MUST ... be padded with zeros"); for ECP x | y, each padded to the field's length, no 0x04 (RFC 5903 §7).
 * Decoding validates as RFC 6989 §2 asks for groups 14-16 (safe primes: range only) and 19-21 (on the curve).
 */
public final class KeyExchangeData {
    private KeyExchangeData() {}

    /** Encodes a public key of {@code group} (from the token or from software) as Key Exchange Data. */
    public static byte[] encode(DhGroup group, PublicKey key) {
        int f = group.sharedSecretLength();
        if (group.kind() == DhGroup.Kind.MODP) {
            return fixed(((DHPublicKey) key).getY(), f);
        }
        ECPoint w = ((ECPublicKey) key).getW();
        byte[] out = new byte[2 * f];
        System.arraycopy(fixed(w.getAffineX(), f), 0, out, 0, f);
        System.arraycopy(fixed(w.getAffineY(), f), 0, out, f, f);
        return out;
    }

    /**
     * Checks the peer's value and returns it as a software public key for the token's key agreement.
     *
     * @throws InvalidKeyExchangeException if the length, range or curve check fails
     */
    public static PublicKey decode(DhGroup group, byte[] data) {
        check(group, data);
        return group.kind() == DhGroup.Kind.MODP ? modpKey(group, data) : ecpKey(group, data);
    }

    /**
     * Checks the peer's value as {@link #decode} does, without building a key (the direct binding passes the octets).
     *
     * @throws InvalidKeyExchangeException if the length, range or curve check fails
     */
    public static void check(DhGroup group, byte[] data) {
        if (data == null || data.length != group.publicValueLength()) {
            throw new InvalidKeyExchangeException(
                    group,
                    Reason.WRONG_LENGTH,
                    "expected " + group.publicValueLength() + " octets, got " + (data == null ? "none" : data.length));
        }
        if (group.kind() == DhGroup.Kind.MODP) {
            checkModp(group, data);
        } else {
            checkEcp(group, data);
        }
    }

    private static void checkModp(DhGroup group, byte[] data) {
        BigInteger p = ModpGroups.prime(group);
        BigInteger y = new BigInteger(1, data);
        // RFC 6989 §2.1: 1 < y < p-1. The primes of RFC 3526 are safe primes, so no subgroup test is needed.
        if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(p.subtract(BigInteger.ONE)) >= 0) {
            throw new InvalidKeyExchangeException(group, Reason.OUT_OF_RANGE, "not 1 < y < p-1");
        }
    }

    private static PublicKey modpKey(DhGroup group, byte[] data) {
        BigInteger p = ModpGroups.prime(group);
        BigInteger y = new BigInteger(1, data);
        try {
            return KeyFactory.getInstance("DH", "SunJCE")
                    .generatePublic(new DHPublicKeySpec(y, p, ModpGroups.GENERATOR));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SunJCE cannot build a " + group.proposalName() + " public key", e);
        }
    }

    private static void checkEcp(DhGroup group, byte[] data) {
        int f = group.sharedSecretLength();
        if (allZero(data)) {
            throw new InvalidKeyExchangeException(
                    group,
                    Reason.POINT_AT_INFINITY,
                    "all-zero point; RFC 5903 §7 has no encoding for the point at infinity");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(data, 0, f));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(data, f, 2 * f));
        ECParameterSpec params = EcpCurves.parameters(group);
        BigInteger p = EcpCurves.fieldPrime(group);
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            throw new InvalidKeyExchangeException(group, Reason.OUT_OF_RANGE, "coordinate not below the field prime");
        }
        // RFC 6989 §2.3: y^2 = x^3 + ax + b mod p (a = -3 mod p for groups 19-21).
        EllipticCurve c = params.getCurve();
        BigInteger lhs = y.multiply(y).mod(p);
        BigInteger rhs = x.multiply(x)
                .multiply(x)
                .add(c.getA().multiply(x))
                .add(c.getB())
                .mod(p);
        if (!lhs.equals(rhs)) {
            throw new InvalidKeyExchangeException(group, Reason.NOT_ON_CURVE, "y^2 != x^3 + ax + b mod p");
        }
    }

    private static PublicKey ecpKey(DhGroup group, byte[] data) {
        int f = group.sharedSecretLength();
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(data, 0, f));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(data, f, 2 * f));
        ECParameterSpec params = EcpCurves.parameters(group);
        try {
            return KeyFactory.getInstance("EC", "SunEC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SunEC cannot build a " + group.proposalName() + " public key", e);
        }
    }

    /** The unsigned big-endian value left-padded with zeros to exactly {@code length} octets. */
    static byte[] fixed(BigInteger v, int length) {
        byte[] b = v.toByteArray();
        if (b.length == length) {
            return b;
        }
        int start = b.length > length ? b.length - length : 0;
        for (int i = 0; i < start; i++) {
            if (b[i] != 0) {
                throw new IllegalArgumentException("value does not fit in " + length + " octets");
            }
        }
        byte[] out = new byte[length];
        System.arraycopy(b, start, out, length - (b.length - start), b.length - start);
        return out;
    }

    private static boolean allZero(byte[] b) {
        int acc = 0;
        for (byte x : b) {
            acc |= x;
        }
        return acc == 0;
    }
}
