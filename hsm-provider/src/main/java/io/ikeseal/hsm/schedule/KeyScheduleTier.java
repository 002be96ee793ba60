package io.ikeseal.hsm.schedule;

import static io.ikeseal.hsm.schedule.ScheduleInputs.concat;

import java.util.concurrent.CompletableFuture;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenCall;
import io.ikeseal.hsm.token.TokenOperation;

/**
 * What both tiers share: each step checks its inputs as {@link KeySchedule} promises, before any token call, and
 * hands the checked values to the tier's computation (HKDF in the token, or HMAC on the host).
 */
abstract sealed class KeyScheduleTier implements KeySchedule permits CompatKeySchedule, SealedKeySchedule {
    final Token token;
    private final ResidencyTier tier;

    KeyScheduleTier(Token token, ResidencyTier tier) {
        this.token = token;
        this.tier = tier;
    }

    @Override
    public final Token token() {
        return token;
    }

    @Override
    public final ResidencyTier tier() {
        return tier;
    }

    @Override
    public final CompletableFuture<SealedKey> skeyseed(Prf prf, byte[] ni, byte[] nr, SealedKey gir, AuditContext ctx) {
        ScheduleInputs.nonce("Ni", ni);
        ScheduleInputs.nonce("Nr", nr);
        ScheduleInputs.key(token, "g^ir", gir);
        return computeSkeyseed(prf, concat(ni, nr), gir, ctx);
    }

    @Override
    public final CompletableFuture<IkeSaKeys> ikeSaKeys(
            Prf prf,
            SealedKey skeyseed,
            byte[] ni,
            byte[] nr,
            byte[] spiI,
            byte[] spiR,
            int integKeyLength,
            int encrKeyLength,
            AuditContext ctx) {
        ScheduleInputs.hmacKey(token, "SKEYSEED", skeyseed);
        KeyLayout layout = KeyLayout.of(prf, ni, nr, spiI, spiR, integKeyLength, encrKeyLength);
        return computeIkeSaKeys(prf, skeyseed, concat(ni, nr, spiI, spiR), layout, ctx);
    }

    @Override
    public final CompletableFuture<SealedKey> rekeySkeyseed(
            Prf prf, SealedKey skDOld, SealedKey girNew, byte[] ni, byte[] nr, AuditContext ctx) {
        ScheduleInputs.hmacKey(token, "SK_d (old)", skDOld);
        ScheduleInputs.key(token, "g^ir (new)", girNew);
        ScheduleInputs.nonce("Ni", ni);
        ScheduleInputs.nonce("Nr", nr);
        return computeRekeySkeyseed(prf, skDOld, girNew, concat(ni, nr), ctx);
    }

    @Override
    public final CompletableFuture<HostKey> childKeymat(
            Prf prf, SealedKey skD, SealedKey girOrNull, byte[] ni, byte[] nr, int length, AuditContext ctx) {
        ScheduleInputs.hmacKey(token, "SK_d", skD);
        if (girOrNull != null) {
            ScheduleInputs.key(token, "g^ir (new)", girOrNull);
        }
        ScheduleInputs.nonce("Ni", ni);
        ScheduleInputs.nonce("Nr", nr);
        ScheduleInputs.prfPlusLength(prf, "KEYMAT length", length);
        return computeChildKeymat(prf, skD, girOrNull, concat(ni, nr), length, ctx);
    }

    @Override
    public final CompletableFuture<byte[]> prf(Prf prf, SealedKey key, byte[] data, AuditContext ctx) {
        ScheduleInputs.hmacKey(token, "key", key);
        ScheduleInputs.data("data", data);
        return computePrf(prf, key, data.clone(), ctx);
    }

    @Override
    public final CompletableFuture<SealedKey> deriveKey(
            Prf prf, SealedKey key, byte[] data, String name, AuditContext ctx) {
        ScheduleInputs.hmacKey(token, "key", key);
        ScheduleInputs.data("data", data);
        ScheduleInputs.name(name);
        return computeDeriveKey(prf, key, data.clone(), name, ctx);
    }

    /** SKEYSEED = prf(Ni | Nr, g^ir) (RFC 7296 §2.14). */
    abstract CompletableFuture<SealedKey> computeSkeyseed(Prf prf, byte[] nonces, SealedKey gir, AuditContext ctx);

    /** prf+(SKEYSEED, s) with s = Ni | Nr | SPIi | SPIr, split by {@code layout} (§2.14). */
    abstract CompletableFuture<IkeSaKeys> computeIkeSaKeys(
            Prf prf, SealedKey skeyseed, byte[] s, KeyLayout layout, AuditContext ctx);

    /** prf(SK_d (old), g^ir (new) | Ni | Nr) (§2.18). */
    abstract CompletableFuture<SealedKey> computeRekeySkeyseed(
            Prf prf, SealedKey skDOld, SealedKey girNew, byte[] nonces, AuditContext ctx);

    /** prf+(SK_d, [g^ir (new) |] Ni | Nr) (§2.17). */
    abstract CompletableFuture<HostKey> computeChildKeymat(
            Prf prf, SealedKey skD, SealedKey girOrNull, byte[] nonces, int length, AuditContext ctx);

    /** prf(key, data); {@code data} is the schedule's own copy. */
    abstract CompletableFuture<byte[]> computePrf(Prf prf, SealedKey key, byte[] data, AuditContext ctx);

    /** prf(key, data) kept sealed as {@code name}; {@code data} is the schedule's own copy. */
    abstract CompletableFuture<SealedKey> computeDeriveKey(
            Prf prf, SealedKey key, byte[] data, String name, AuditContext ctx);

    /** One audited token call whose record names {@code input}. */
    final <T> CompletableFuture<T> call(
            String operation, String mechanism, SealedKey input, AuditContext ctx, TokenCall<T> body) {
        return token.call(new TokenOperation(operation, mechanism, input.name()), ctx, body);
    }
}
