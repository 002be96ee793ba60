package io.ikeseal.hsm.api;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The key-exchange token's services as the IKE protocol sees them (compare BouncyCastle's {@code TlsCrypto}): one
 * call per protocol step, handles in and out, no token, provider or key object in sight. Every method is audited
 * with the SA's {@link AuditContext}; results complete on a token thread. Methods never throw: a refused input is a
 * failed future. Handles are consumed where the protocol never needs them again: a {@link KeyShare} by its key
 * agreement, g^ir once SKEYSEED exists, SKEYSEED once the keys exist.
 */
public interface IkeCrypto {

    String tokenName();

    ResidencyTier tier();

    /**
     * Handles to the token's objects this port handed out (shares, g^ir, SKEYSEED, SK_d, key pads) that are not yet
     * destroyed: a live IKE SA holds one (SK_d), anything more is a share or an intermediate still in flight, or a
     * leak (docs/tokens.md, "Live token objects").
     */
    long liveObjects();

    /** The DH groups this token completed a key exchange for at start-up. */
    Set<DhGroup> dhGroups();

    /**
     * The RFC 6989 §2 check of a peer's Key Exchange Data, on the host, without a token call.
     *
     * @throws InvalidPeerValueException if the value is not acceptable for {@code group}
     */
    void checkPeerValue(DhGroup group, byte[] keyExchangeData);

    /** A fresh ephemeral key pair of {@code group} (§1.2, §2.12). */
    CompletableFuture<KeyShare> generateShare(DhGroup group, AuditContext ctx);

    /**
     * The responder's share for an IKE_SA_INIT response: fresh, or, where the port is configured to, one reused from
     * an earlier response for a short time (§2.12). Never for an initiator or a rekey. Consumed as any share.
     */
    default CompletableFuture<KeyShare> responderShare(DhGroup group, AuditContext ctx) {
        return generateShare(group, ctx);
    }

    /**
     * g^ir, SKEYSEED and the IKE SA's keys (§2.14) in one step; consumes {@code mine}. Fails with
     * {@link InvalidPeerValueException} before any token call when {@code peerKe} is not acceptable.
     */
    CompletableFuture<IkeSaSecrets> ikeSaKeys(KeyShare mine, byte[] peerKe, IkeSaKeyInputs in, AuditContext ctx);

    /**
     * The rekeyed IKE SA's keys (§2.18): SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old SA's PRF,
     * then prf+ with the new SA's. Consumes {@code mine}; the old SK_d stays the caller's.
     */
    CompletableFuture<IkeSaSecrets> rekeyedIkeSaKeys(
            Secret oldSkD, Prf oldPrf, KeyShare mine, byte[] peerKe, IkeSaKeyInputs in, AuditContext ctx);

    /**
     * CHILD_SA KEYMAT = prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir (new) | Ni | Nr) with PFS when {@code mineOrNull}
     * and {@code peerKeOrNull} are given (§2.17); consumes the share.
     */
    CompletableFuture<HostKey> childKeymat(
            Prf prf,
            Secret skD,
            KeyShare mineOrNull,
            byte[] peerKeOrNull,
            byte[] ni,
            byte[] nr,
            int length,
            AuditContext ctx);

    /**
     * AUTH = prf(prf(PSK, "Key Pad for IKEv2"), octets) (§2.15) for the pre-shared key {@code pskName}: one step,
     * the PSK and its key pad never leave the token.
     */
    CompletableFuture<byte[]> pskAuth(String pskName, Prf prf, byte[] octets, AuditContext ctx);
}
