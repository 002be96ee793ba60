package io.ikeseal.hsm.kx;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import javax.crypto.KeyAgreement;
import javax.crypto.spec.SecretKeySpec;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.kx.InvalidKeyExchangeException.Reason;
import io.ikeseal.hsm.token.DirectKey;
import io.ikeseal.hsm.token.LiveTokenObjects;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;
import io.ikeseal.hsm.token.TokenOperation;
import io.ikeseal.hsm.token.TokenRole;

/**
 * Diffie-Hellman on a key-exchange token: key pairs are generated inside the token, the peer's value is validated
 * on the host before any token call, and g^ir is derived inside the token. Sealed tier: through the direct binding
 * ({@link DirectKeyExchange}), g^ir is a sensitive, unextractable session key, possibly without its leading zero
 * octets ({@link SealedKey#missingLeadingZeros()}).
 * Compat tier: g^ir is read out (as strongSwan does) into a host SecretKeySpec padded to the RFC length.
 */
public final class KeyExchange {
    private final Token token;

    public KeyExchange(Token token) {
        this.token = Objects.requireNonNull(token, "token");
        if (!token.spec().roles().contains(TokenRole.KEY_EXCHANGE)) {
            throw new IllegalArgumentException("token '" + token.name() + "' does not have the key-exchange role");
        }
    }

    public Token token() {
        return token;
    }

    /** Generates an ephemeral key pair for {@code group} inside the token (one audited "dh-keygen" call). */
    public CompletableFuture<DhKeyPair> generate(DhGroup group, AuditContext ctx) {
        return generate(group, ctx, "dh-" + group.proposalName(), token.liveObjects());
    }

    /**
     * {@link #generate(DhGroup, AuditContext)} recorded with {@code keyRef} and counted in {@code counter} (a pool's
     * pairs are not the token's live objects until handed out).
     */
    CompletableFuture<DhKeyPair> generate(DhGroup group, AuditContext ctx, String keyRef, LiveTokenObjects counter) {
        Objects.requireNonNull(group, "group");
        if (!token.capabilities().dhGroups().contains(group)) {
            throw new IllegalArgumentException("token '" + token.name() + "' cannot do DH group " + group.proposalName()
                    + " (supports " + token.capabilities().dhGroups() + ")");
        }
        boolean modp = group.kind() == DhGroup.Kind.MODP;
        TokenOperation op =
                new TokenOperation("dh-keygen", modp ? "CKM_DH_PKCS_KEY_PAIR_GEN" : "CKM_EC_KEY_PAIR_GEN", keyRef);
        if (token.tier() == ResidencyTier.SEALED) {
            return token.call(op, ctx, () -> {
                DirectKeyExchange.Generated g = DirectKeyExchange.generate(token.direct(), group);
                return new DhKeyPair(
                        token,
                        group,
                        g.keyExchangeData(),
                        g.privateKey(),
                        counter,
                        g.privateKey().generation());
            });
        }
        return token.call(op, ctx, () -> {
            int generation = token.health().generation(); // before the call: a pair from an older session is dead
            KeyPairGenerator g = KeyPairGenerator.getInstance(modp ? "DH" : "EC", token.provider());
            if (modp) {
                g.initialize(ModpGroups.parameters(group));
            } else {
                g.initialize(new ECGenParameterSpec(group.curve()));
            }
            KeyPair kp = g.generateKeyPair();
            return new DhKeyPair(
                    token, group, KeyExchangeData.encode(group, kp.getPublic()), kp.getPrivate(), counter, generation);
        });
    }

    /** {@link #agree(DhKeyPair, DhGroup, byte[], AuditContext)} for a KE payload already known to be of mine's group. */
    public CompletableFuture<SealedKey> agree(DhKeyPair mine, byte[] peerKeData, AuditContext ctx) {
        return agree(mine, mine.group(), peerKeData, ctx);
    }

    /**
     * Validates the peer's Key Exchange Data, then derives g^ir in the token (one audited "dh-derive" call). The key
     * pair is used up either way: it is destroyed before this returns or the future completes.
     *
     * @param peerGroup the DH Group Num of the peer's KE payload
     * @throws InvalidKeyExchangeException (at once, without a token call) if the peer's value is not acceptable
     */
    public CompletableFuture<SealedKey> agree(DhKeyPair mine, DhGroup peerGroup, byte[] peerKeData, AuditContext ctx) {
        Objects.requireNonNull(mine, "mine");
        if (mine.token() != token) {
            mine.destroy();
            throw new IllegalArgumentException(
                    "key pair lives on token '" + mine.token().name() + "', not '" + token.name() + "'");
        }
        DhGroup group = mine.group();
        Object k = mine.take(); // single use: the pair is destroyed from here on, also if validation fails
        try {
            return derive(k, group, peerGroup, peerKeData, ctx).whenComplete((g, e) -> DhKeyPair.destroyKey(k));
        } catch (RuntimeException e) {
            DhKeyPair.destroyKey(k);
            throw e;
        }
    }

    /**
     * g^ir from one lease of a reused responder key share (RFC 7296 §2.12); the lease is returned when the derive is
     * done or refused, the key itself stays for the other leases.
     */
    public CompletableFuture<SealedKey> agree(ReusedKeyShare.Lease lease, byte[] peerKeData, AuditContext ctx) {
        Objects.requireNonNull(lease, "lease");
        Object k = lease.key();
        try {
            if (lease.token() != token || k == null) {
                throw new IllegalArgumentException(
                        "reused key share " + lease + " is not usable on token '" + token.name() + "'");
            }
            return derive(k, lease.group(), lease.group(), peerKeData, ctx).whenComplete((g, e) -> lease.destroy());
        } catch (RuntimeException e) {
            lease.destroy();
            throw e;
        }
    }

    private CompletableFuture<SealedKey> derive(
            Object k, DhGroup group, DhGroup peerGroup, byte[] peerKeData, AuditContext ctx) {
        if (peerGroup != group) {
            throw new InvalidKeyExchangeException(
                    group,
                    Reason.GROUP_MISMATCH,
                    "peer sent " + (peerGroup == null ? "no group" : peerGroup.proposalName()));
        }
        boolean modp = group.kind() == DhGroup.Kind.MODP;
        TokenOperation op = new TokenOperation("dh-derive", modp ? "CKM_DH_PKCS_DERIVE" : "CKM_ECDH1_DERIVE", "g^ir");
        if (k instanceof DirectKey d) {
            KeyExchangeData.check(group, peerKeData);
            byte[] peer = peerKeData.clone();
            return token.call(op, ctx, () -> DirectKeyExchange.derive(token, d, group, peer));
        }
        PublicKey peer = KeyExchangeData.decode(group, peerKeData);
        return token.call(op, ctx, () -> {
            KeyAgreement ka = KeyAgreement.getInstance(modp ? "DH" : "ECDH", token.provider());
            ka.init((PrivateKey) k);
            ka.doPhase(peer, true);
            return readOut(ka, group); // a JCA private key is the compat tier's
        });
    }

    /** Compat: g^ir leaves the token as bytes, left-padded to the RFC length (RFC 7296 §2.14, RFC 5903 §7). */
    private SealedKey readOut(KeyAgreement ka, DhGroup group) {
        byte[] raw;
        try {
            raw = ka.generateSecret();
        } catch (ProviderException e) {
            String ckr = io.ikeseal.hsm.token.Pkcs11Module.ckrOf(e);
            if ("CKR_ATTRIBUTE_SENSITIVE".equals(ckr)) {
                throw new TokenException(
                        "token '" + token.name() + "': g^ir cannot be read out in the compat tier (" + ckr
                                + "); derived secret keys must be created with CKA_EXTRACTABLE=true",
                        ckr,
                        e);
            }
            if ("CKR_TEMPLATE_INCOMPLETE".equals(ckr) && group.kind() == DhGroup.Kind.MODP) {
                // SoftHSM 2.6 wants CKA_VALUE_LEN for CKM_DH_PKCS_DERIVE; SunPKCS11's DH KeyAgreement never sets it.
                throw new TokenException(
                        "token '" + token.name() + "': CKM_DH_PKCS_DERIVE for "
                                + group.proposalName() + " failed (" + ckr
                                + "): the token requires CKA_VALUE_LEN, which "
                                + "SunPKCS11 does not send; use an ECP group with this token",
                        ckr,
                        e);
            }
            throw e;
        }
        int len = group.sharedSecretLength();
        try {
            if (raw.length > len) {
                throw new TokenException("token '" + token.name() + "': g^ir for " + group.proposalName() + " has "
                        + raw.length + " octets, expected " + len);
            }
            byte[] padded = new byte[len];
            System.arraycopy(raw, 0, padded, len - raw.length, raw.length);
            try {
                return new SealedKey(token, "g^ir", new SecretKeySpec(padded, "Generic"), len);
            } finally {
                Arrays.fill(padded, (byte) 0);
            }
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }
}
