package io.ikeseal.hsm.kx;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.kx.InvalidKeyExchangeException.Reason;
import io.ikeseal.hsm.token.DirectKey;
import io.ikeseal.hsm.token.LiveTokenObjects;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenOperation;
import io.ikeseal.hsm.token.TokenRole;

/**
 * Diffie-Hellman on a key-exchange token: key pairs are generated inside the token, the peer's value is validated
 * on the host before any token call, and g^ir is derived inside the token, both through the direct binding
 * ({@link DirectKeyExchange}). Sealed tier: g^ir is a sensitive, unextractable session key, possibly without its
 * leading zero octets ({@link SealedKey#missingLeadingZeros()}).
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
        return token.call(op, ctx, () -> {
            DirectKeyExchange.Generated g = DirectKeyExchange.generate(token.direct(), group);
            return new DhKeyPair(token, group, g.keyExchangeData(), g.privateKey(), counter);
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
        DirectKey k = mine.take(); // single use: the pair is destroyed from here on, also if validation fails
        try {
            return derive(k, group, peerGroup, peerKeData, ctx).whenComplete((g, e) -> k.destroy());
        } catch (RuntimeException e) {
            k.destroy();
            throw e;
        }
    }

    /**
     * g^ir from one lease of a reused responder key share (RFC 7296 §2.12); the lease is returned when the derive is
     * done or refused, the key itself stays for the other leases.
     */
    public CompletableFuture<SealedKey> agree(ReusedKeyShare.Lease lease, byte[] peerKeData, AuditContext ctx) {
        Objects.requireNonNull(lease, "lease");
        DirectKey k = lease.key();
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
            DirectKey k, DhGroup group, DhGroup peerGroup, byte[] peerKeData, AuditContext ctx) {
        if (peerGroup != group) {
            throw new InvalidKeyExchangeException(
                    group,
                    Reason.GROUP_MISMATCH,
                    "peer sent " + (peerGroup == null ? "no group" : peerGroup.proposalName()));
        }
        boolean modp = group.kind() == DhGroup.Kind.MODP;
        TokenOperation op = new TokenOperation("dh-derive", modp ? "CKM_DH_PKCS_DERIVE" : "CKM_ECDH1_DERIVE", "g^ir");
        KeyExchangeData.check(group, peerKeData);
        byte[] peer = peerKeData.clone();
        return token.call(op, ctx, () -> DirectKeyExchange.derive(token, k, group, peer));
    }
}
