package io.ikeseal.hsm.kx;

import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_BASE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_CLASS;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_DERIVE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_EC_PARAMS;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_EC_POINT;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_KEY_TYPE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_PRIME;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_TOKEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_VALUE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_VALUE_LEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_VERIFY;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKD_NULL;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKK_DH;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKK_EC;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKK_GENERIC_SECRET;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_DH_PKCS_DERIVE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_DH_PKCS_KEY_PAIR_GEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_ECDH1_DERIVE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_EC_KEY_PAIR_GEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_PUBLIC_KEY;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.CK_ECDH1_DERIVE_PARAMS;
import sun.security.pkcs11.wrapper.CK_MECHANISM;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.DirectKey;
import io.ikeseal.hsm.token.DirectSessions;
import io.ikeseal.hsm.token.DirectSessions.DirectSession;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;

/**
 * The key exchange as PKCS#11 calls on a direct-binding session (docs/tokens.md, "Direct binding"):
 * C_GenerateKeyPair with our own templates (the private value sensitive, unextractable, derive-only; no CKA_SIGN, so
 * NSS softoken skips its sign/verify pairwise test), one read of the public value, the public object destroyed at
 * once; then one C_DeriveKey for g^ir as a sealed session key. Call on a token thread only.
 */
final class DirectKeyExchange {
    private static final HexFormat HEX = HexFormat.of();

    private DirectKeyExchange() {}

    /** A fresh pair's public value as Key Exchange Data and its private key. */
    record Generated(byte[] keyExchangeData, DirectKey privateKey) {}

    static Generated generate(DirectSessions direct, DhGroup group) throws PKCS11Exception, java.io.IOException {
        DirectSession s = direct.current();
        PKCS11 p11 = s.p11();
        boolean modp = group.kind() == DhGroup.Kind.MODP;
        CK_ATTRIBUTE[] pub = modp
                ? new CK_ATTRIBUTE[] {
                    new CK_ATTRIBUTE(CKA_CLASS, CKO_PUBLIC_KEY),
                    new CK_ATTRIBUTE(CKA_KEY_TYPE, CKK_DH),
                    new CK_ATTRIBUTE(CKA_TOKEN, false),
                    new CK_ATTRIBUTE(CKA_PRIME, ModpGroups.prime(group)),
                    new CK_ATTRIBUTE(CKA_BASE, ModpGroups.GENERATOR)
                }
                : new CK_ATTRIBUTE[] {
                    new CK_ATTRIBUTE(CKA_CLASS, CKO_PUBLIC_KEY),
                    new CK_ATTRIBUTE(CKA_KEY_TYPE, CKK_EC),
                    new CK_ATTRIBUTE(CKA_TOKEN, false),
                    new CK_ATTRIBUTE(CKA_VERIFY, false),
                    new CK_ATTRIBUTE(CKA_EC_PARAMS, curveOid(group))
                };
        CK_ATTRIBUTE[] priv = {
            new CK_ATTRIBUTE(CKA_CLASS, CKO_PRIVATE_KEY),
            new CK_ATTRIBUTE(CKA_KEY_TYPE, modp ? CKK_DH : CKK_EC),
            new CK_ATTRIBUTE(CKA_TOKEN, false),
            new CK_ATTRIBUTE(CKA_SENSITIVE, true),
            new CK_ATTRIBUTE(CKA_EXTRACTABLE, false),
            new CK_ATTRIBUTE(CKA_DERIVE, true),
            new CK_ATTRIBUTE(CKA_SIGN, false)
        };
        long[] pair = p11.C_GenerateKeyPair(
                s.id(), new CK_MECHANISM(modp ? CKM_DH_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN), pub, priv);
        DirectKey privateKey = s.adopt(pair[1]); // owned from here: dropped, it is destroyed
        try {
            CK_ATTRIBUTE[] value = {new CK_ATTRIBUTE(modp ? CKA_VALUE : CKA_EC_POINT)};
            try {
                p11.C_GetAttributeValue(s.id(), pair[0], value);
            } finally {
                p11.C_DestroyObject(s.id(), pair[0]);
            }
            byte[] v = value[0].getByteArray();
            byte[] ke =
                    modp ? KeyExchangeData.fixed(new BigInteger(1, v), group.publicValueLength()) : ecPoint(group, v);
            return new Generated(ke, privateKey);
        } catch (PKCS11Exception | RuntimeException e) {
            privateKey.destroy();
            throw e;
        }
    }

    /**
     * g^ir = the peer's value (already validated) with the private key. Sealed tier: a sealed session key. An ECP g^ir
     * is the x coordinate at the field's length (RFC 5903 §7); a MODP one may come back shorter from NSS, which trims
     * leading zero octets, so its length is read back and the missing zeros recorded. Compat tier: derived
     * extractable, read out once, destroyed, and left-padded to the RFC length on the host (RFC 7296 §2.14).
     */
    static SealedKey derive(Token token, DirectKey privateKey, DhGroup group, byte[] peerKeData)
            throws PKCS11Exception, java.io.IOException {
        DirectSession s = token.direct().current();
        PKCS11 p11 = s.p11();
        boolean modp = group.kind() == DhGroup.Kind.MODP;
        boolean sealed = token.tier() == ResidencyTier.SEALED;
        int len = group.sharedSecretLength();
        CK_MECHANISM mech = modp
                ? new CK_MECHANISM(CKM_DH_PKCS_DERIVE, peerKeData)
                : new CK_MECHANISM(
                        CKM_ECDH1_DERIVE, new CK_ECDH1_DERIVE_PARAMS(CKD_NULL, null, uncompressed(peerKeData)));
        List<CK_ATTRIBUTE> template = new ArrayList<>(List.of(
                new CK_ATTRIBUTE(CKA_CLASS, CKO_SECRET_KEY),
                new CK_ATTRIBUTE(CKA_KEY_TYPE, CKK_GENERIC_SECRET),
                new CK_ATTRIBUTE(CKA_TOKEN, false),
                new CK_ATTRIBUTE(CKA_SENSITIVE, sealed),
                new CK_ATTRIBUTE(CKA_EXTRACTABLE, !sealed)));
        if (sealed) {
            template.add(new CK_ATTRIBUTE(CKA_DERIVE, true));
            template.add(new CK_ATTRIBUTE(CKA_SIGN, true));
        }
        if (!modp || !sealed) {
            // NSS would trim a MODP g^ir to fit; SoftHSM wants the length for every derive
            template.add(new CK_ATTRIBUTE(CKA_VALUE_LEN, (long) len));
        }
        long h = p11.C_DeriveKey(s.id(), mech, privateKey.handle(s), template.toArray(CK_ATTRIBUTE[]::new));
        if (!sealed) {
            return readOut(token, s, h, group);
        }
        DirectKey gir = s.adopt(h);
        int got = len;
        if (modp) {
            try {
                CK_ATTRIBUTE[] vl = {new CK_ATTRIBUTE(CKA_VALUE_LEN)};
                p11.C_GetAttributeValue(s.id(), h, vl);
                got = (int) vl[0].getLong();
            } catch (PKCS11Exception | RuntimeException e) {
                gir.destroy();
                throw e;
            }
            if (got <= 0 || got > len) {
                gir.destroy();
                throw new TokenException("token '" + token.name() + "': g^ir for " + group.proposalName() + " has "
                        + got + " octets, expected " + len);
            }
        }
        return new SealedKey(token, "g^ir", gir, len, len - got);
    }

    /** Compat: the derived object's value, read once and destroyed, as a host key at the RFC length. */
    private static SealedKey readOut(Token token, DirectSession s, long h, DhGroup group) throws PKCS11Exception {
        int len = group.sharedSecretLength();
        byte[] raw;
        try {
            CK_ATTRIBUTE[] v = {new CK_ATTRIBUTE(CKA_VALUE)};
            s.p11().C_GetAttributeValue(s.id(), h, v);
            raw = v[0].getByteArray();
        } finally {
            s.p11().C_DestroyObject(s.id(), h);
        }
        if (raw == null || raw.length > len) {
            throw new TokenException("token '" + token.name() + "': g^ir for " + group.proposalName() + " has "
                    + (raw == null ? "no" : raw.length) + " octets, expected " + len);
        }
        byte[] padded = new byte[len];
        System.arraycopy(raw, 0, padded, len - raw.length, raw.length);
        Arrays.fill(raw, (byte) 0);
        try {
            return new SealedKey(token, "g^ir", new SecretKeySpec(padded, "Generic"), len);
        } finally {
            Arrays.fill(padded, (byte) 0);
        }
    }

    /** 0x04 | x | y (SEC 1 §2.3.3) from the KE payload's x | y. */
    private static byte[] uncompressed(byte[] xy) {
        byte[] p = new byte[xy.length + 1];
        p[0] = 0x04;
        System.arraycopy(xy, 0, p, 1, xy.length);
        return p;
    }

    /**
     * x | y from CKA_EC_POINT: a token returns the uncompressed point either bare or, as PKCS#11 v2.40 asks, inside a
     * DER OCTET STRING (NSS softoken does the latter).
     */
    static byte[] ecPoint(DhGroup group, byte[] v) {
        int f = group.sharedSecretLength();
        int raw = 1 + 2 * f;
        int off;
        if (v.length == raw) {
            off = 0;
        } else if (v.length > 2 && v[0] == 0x04 && (v[1] & 0xff) == raw) {
            off = 2;
        } else if (v.length > 3 && v[0] == 0x04 && (v[1] & 0xff) == 0x81 && (v[2] & 0xff) == raw) {
            off = 3;
        } else {
            throw new TokenException("token returned a CKA_EC_POINT of " + v.length + " octets for "
                    + group.proposalName() + "; expected an uncompressed point of " + raw);
        }
        if (v.length != off + raw || v[off] != 0x04) {
            throw new TokenException(
                    "token returned a CKA_EC_POINT that is not an uncompressed point for " + group.proposalName());
        }
        return java.util.Arrays.copyOfRange(v, off + 1, off + raw);
    }

    /** CKA_EC_PARAMS: the DER of the named curve's OID (RFC 5480 §2.1.1.1). */
    static byte[] curveOid(DhGroup group) {
        return HEX.parseHex(
                switch (group) {
                    case ECP_256 -> "06082a8648ce3d030107";
                    case ECP_384 -> "06052b81040022";
                    case ECP_521 -> "06052b81040023";
                    default -> throw new IllegalArgumentException(group.proposalName() + " is not an ECP group");
                });
    }
}
