package io.ikeseal.hsm.schedule;

import java.util.concurrent.CompletableFuture;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;

/**
 * The IKEv2 key schedule (RFC 7296 §2.13, §2.14, §2.17, §2.18) on one key-exchange token. Every method is one or
 * two audited token calls ({@link Token#call}); results arrive on the token's thread, never on the caller's, so
 * stages added after them must be short and must not wait.
 *
 * <p>Ownership: no method destroys its input keys. The caller destroys g^ir once SKEYSEED exists, SKEYSEED once
 * {@link #ikeSaKeys} returned, the old SK_d after the rekeyed IKE SA's keys exist, and the new g^ir after the
 * rekeyed SKEYSEED or the PFS KEYMAT exists. Every returned key belongs to the caller.
 *
 * <p>Inputs are checked before any token call: nonces 16..256 octets (§2.10, §3.9), SPIs 8 octets, output
 * lengths 1..255 × prf output length (prf+ counts blocks in one octet, §2.13), keys from this schedule's token.
 * Violations throw {@link IllegalArgumentException} at once.
 *
 * <p>g^ir may come from the token without its leading zero octets ({@link SealedKey#missingLeadingZeros()}); the
 * schedules put them back in front of it, so every result equals the RFC's. A key used as an HMAC key (SKEYSEED,
 * SK_d, prf's key) must be whole: one lacking leading zeros throws {@link IllegalStateException} before any token
 * call.
 */
public interface KeySchedule {

    /** The sealed schedule (HKDF in the token) for tier sealed, else the host-side compat schedule. */
    static KeySchedule forToken(Token token) {
        return token.tier() == ResidencyTier.SEALED ? new SealedKeySchedule(token) : new CompatKeySchedule(token);
    }

    Token token();

    ResidencyTier tier();

    /**
     * SKEYSEED = prf(Ni | Nr, g^ir) (§2.14). Our PRFs are HMAC, so all of Ni | Nr is the key (the halving rule of
     * §2.14 applies only to PRFs with a fixed key size). Operation "skeyseed", key reference g^ir's name.
     */
    CompletableFuture<SealedKey> skeyseed(Prf prf, byte[] ni, byte[] nr, SealedKey gir, AuditContext ctx);

    /**
     * prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) split into SK_d (sealed) and six host keys (§2.14). SK_d = T1 is derived
     * to a token key ("sk_d"); T2.. are computed with T1 as a key ("prf+"), so SK_d's bytes never reach the host.
     *
     * @param integKeyLength SK_ai/SK_ar length, 0 with an AEAD cipher
     * @param encrKeyLength  SK_ei/SK_er length including any salt (e.g. 36 for AES-256-GCM-16)
     */
    CompletableFuture<IkeSaKeys> ikeSaKeys(
            Prf prf,
            SealedKey skeyseed,
            byte[] ni,
            byte[] nr,
            byte[] spiI,
            byte[] spiR,
            int integKeyLength,
            int encrKeyLength,
            AuditContext ctx);

    /**
     * The rekeyed IKE SA's SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) (§2.18), with the old IKE SA's PRF;
     * feed it to {@link #ikeSaKeys} with the new SA's PRF and SPIs. Operation "rekey-skeyseed".
     */
    CompletableFuture<SealedKey> rekeySkeyseed(
            Prf prf, SealedKey skDOld, SealedKey girNew, byte[] ni, byte[] nr, AuditContext ctx);

    /**
     * CHILD SA KEYMAT = prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir (new) | Ni | Nr) with PFS (§2.17).
     * Operation "child-keymat".
     *
     * @param girOrNull the CREATE_CHILD_SA exchange's new shared secret, or null without PFS
     */
    CompletableFuture<HostKey> childKeymat(
            Prf prf, SealedKey skD, SealedKey girOrNull, byte[] ni, byte[] nr, int length, AuditContext ctx);

    /**
     * A public PRF output computed under a sealed key, e.g. AUTH = prf(prf(PSK, "Key Pad for IKEv2"), octets)
     * (§2.15). Operation "prf".
     */
    CompletableFuture<byte[]> prf(Prf prf, SealedKey key, byte[] data, AuditContext ctx);

    /** prf(key, data) kept sealed under {@code name}, e.g. the PSK key pad (§2.15). Operation "prf". */
    CompletableFuture<SealedKey> deriveKey(Prf prf, SealedKey key, byte[] data, String name, AuditContext ctx);
}
