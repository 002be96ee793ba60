package io.ikeseal.hsm.port;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.IkeCrypto;
import io.ikeseal.hsm.api.IkeSaKeyInputs;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.InvalidPeerValueException;
import io.ikeseal.hsm.api.KeyShare;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.api.Secret;
import io.ikeseal.hsm.kx.DhKeyPair;
import io.ikeseal.hsm.kx.InvalidKeyExchangeException;
import io.ikeseal.hsm.kx.KeyExchange;
import io.ikeseal.hsm.kx.KeyExchangeData;
import io.ikeseal.hsm.kx.KeySharePool;
import io.ikeseal.hsm.kx.ReusedKeyShare;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.schedule.IkeSaKeys;
import io.ikeseal.hsm.schedule.KeySchedule;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;

/**
 * {@link IkeCrypto} on one key-exchange token: the protocol's steps mapped onto {@link KeyExchange},
 * {@link KeySchedule} and {@link PresharedKeys}, each intermediate handle destroyed as soon as the next one exists
 * (g^ir after SKEYSEED, SKEYSEED after the keys, the key pad after AUTH). Handles passed in must come from this
 * token.
 */
public final class TokenIkeCrypto implements IkeCrypto, AutoCloseable {
    private final Token token;
    private final KeyExchange kx;
    private final KeySharePool pool;
    private final Duration reuseFor;
    private final int reuseUses;
    private final Map<DhGroup, ReusedKeyShare> reused = new EnumMap<>(DhGroup.class);
    private final KeySchedule schedule;
    private final PresharedKeys psks;

    private TokenIkeCrypto(Token token, int poolPerGroup, Duration reuseFor, int reuseUses) {
        if (reuseFor.isNegative() || reuseUses < 1) {
            throw new IllegalArgumentException("key share reuse needs a time >= 0 and at least one use");
        }
        this.token = token;
        this.kx = new KeyExchange(token);
        this.pool = new KeySharePool(kx, poolPerGroup);
        this.reuseFor = reuseFor;
        this.reuseUses = reuseUses;
        this.schedule = KeySchedule.forToken(token);
        this.psks = new PresharedKeys(token);
    }

    /** The port for a token with the key-exchange role (sealed or compat schedule by its tier), without a pool. */
    public static TokenIkeCrypto of(Token token) {
        return of(token, 0);
    }

    /**
     * The port with a pool of up to {@code poolPerGroup} pre-generated key pairs per DH group in use (0: none; see
     * {@link KeySharePool}). {@link #close} destroys what the pool holds.
     */
    public static TokenIkeCrypto of(Token token, int poolPerGroup) {
        return of(token, poolPerGroup, Duration.ZERO, 1);
    }

    /**
     * The port with a pool, whose IKE_SA_INIT responses reuse one key share per group for up to {@code reuseFor} and
     * {@code reuseUses} SAs ({@link #responderShare}; {@code Duration.ZERO}: never).
     */
    public static TokenIkeCrypto of(Token token, int poolPerGroup, Duration reuseFor, int reuseUses) {
        return new TokenIkeCrypto(Objects.requireNonNull(token, "token"), poolPerGroup, reuseFor, reuseUses);
    }

    /** Starts filling the key share pool for {@code groups}, e.g. those of the configured proposals. */
    public void fillPool(Collection<DhGroup> groups) {
        pool.fill(groups);
    }

    /** Pre-generated key pairs waiting in the pool: token objects no SA holds (not in {@link #liveObjects()}). */
    public long pooledShares() {
        return pool.pooled();
    }

    /** Destroys the pooled key pairs; the handles handed out stay their holders'. */
    @Override
    public void close() {
        pool.close();
        synchronized (reused) {
            reused.values().forEach(ReusedKeyShare::retire);
            reused.clear();
        }
    }

    @Override
    public String tokenName() {
        return token.name();
    }

    @Override
    public ResidencyTier tier() {
        return token.tier();
    }

    @Override
    public long liveObjects() {
        return token.liveObjects().count();
    }

    @Override
    public Set<DhGroup> dhGroups() {
        return token.capabilities().dhGroups();
    }

    @Override
    public void checkPeerValue(DhGroup group, byte[] keyExchangeData) {
        try {
            KeyExchangeData.decode(group, keyExchangeData);
        } catch (InvalidKeyExchangeException e) {
            throw new InvalidPeerValueException(e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<KeyShare> generateShare(DhGroup group, AuditContext ctx) {
        return guarded(() -> {
            Optional<DhKeyPair> pooled = pool.take(group);
            return pooled.isPresent()
                    ? CompletableFuture.<KeyShare>completedFuture(pooled.get())
                    : kx.generate(group, ctx).thenApply(p -> (KeyShare) p);
        });
    }

    /**
     * With reuse configured, a lease on the group's current reused share while its time and uses last, else a fresh
     * share that becomes the group's reused one (RFC 7296 §2.12; docs/tokens.md, "Reusing a responder's key share").
     */
    @Override
    public CompletableFuture<KeyShare> responderShare(DhGroup group, AuditContext ctx) {
        if (reuseFor.isZero()) {
            return generateShare(group, ctx);
        }
        synchronized (reused) {
            ReusedKeyShare current = reused.get(group);
            Optional<ReusedKeyShare.Lease> lease = current == null ? Optional.empty() : current.lease();
            if (lease.isPresent()) {
                return CompletableFuture.<KeyShare>completedFuture(lease.get());
            }
        }
        return generateShare(group, ctx).thenApply(share -> {
            ReusedKeyShare r = new ReusedKeyShare((DhKeyPair) share, reuseFor, reuseUses);
            KeyShare first = r.lease().orElseThrow();
            synchronized (reused) {
                ReusedKeyShare old = reused.put(group, r);
                if (old != null) {
                    old.retire();
                }
            }
            return first;
        });
    }

    @Override
    public CompletableFuture<IkeSaSecrets> ikeSaKeys(
            KeyShare mine, byte[] peerKe, IkeSaKeyInputs in, AuditContext ctx) {
        return guarded(() -> agree(mine, peerKe, ctx)
                .thenCompose(gir ->
                        schedule.skeyseed(in.prf(), in.ni(), in.nr(), gir, ctx).whenComplete((k, e) -> gir.destroy()))
                .thenCompose(seed -> keys(in, seed, ctx)));
    }

    @Override
    public CompletableFuture<IkeSaSecrets> rekeyedIkeSaKeys(
            Secret oldSkD, Prf oldPrf, KeyShare mine, byte[] peerKe, IkeSaKeyInputs in, AuditContext ctx) {
        return guarded(() -> {
            SealedKey skD = sealed(oldSkD);
            return agree(mine, peerKe, ctx)
                    .thenCompose(gir -> schedule.rekeySkeyseed(oldPrf, skD, gir, in.ni(), in.nr(), ctx)
                            .whenComplete((k, e) -> gir.destroy()))
                    .thenCompose(seed -> keys(in, seed, ctx));
        });
    }

    @Override
    public CompletableFuture<HostKey> childKeymat(
            Prf prf,
            Secret skD,
            KeyShare mineOrNull,
            byte[] peerKeOrNull,
            byte[] ni,
            byte[] nr,
            int length,
            AuditContext ctx) {
        return guarded(() -> {
            SealedKey d = sealed(skD);
            if (mineOrNull == null) {
                return schedule.childKeymat(prf, d, null, ni, nr, length, ctx);
            }
            return agree(mineOrNull, peerKeOrNull, ctx)
                    .thenCompose(gir -> schedule.childKeymat(prf, d, gir, ni, nr, length, ctx)
                            .whenComplete((k, e) -> gir.destroy()));
        });
    }

    @Override
    public CompletableFuture<byte[]> pskAuth(String pskName, Prf prf, byte[] octets, AuditContext ctx) {
        // The key pad is derived once per PSK and kept in the token (PresharedKeys.auth): one HMAC per AUTH.
        return guarded(() -> psks.auth(prf, pskName, octets, ctx));
    }

    /** prf(pad, octets) in the token; the key pad is destroyed whatever happens. */
    static CompletableFuture<byte[]> macAndDestroy(
            KeySchedule schedule, Prf prf, SealedKey pad, byte[] octets, AuditContext ctx) {
        CompletableFuture<byte[]> mac;
        try {
            mac = schedule.prf(prf, pad, octets, ctx);
        } catch (RuntimeException e) {
            pad.destroy();
            return CompletableFuture.failedFuture(e);
        }
        return mac.whenComplete((m, e) -> pad.destroy());
    }

    private CompletableFuture<IkeSaSecrets> keys(IkeSaKeyInputs in, SealedKey seed, AuditContext ctx) {
        CompletableFuture<IkeSaKeys> keys;
        try {
            keys = schedule.ikeSaKeys(
                    in.prf(),
                    seed,
                    in.ni(),
                    in.nr(),
                    in.spiI(),
                    in.spiR(),
                    in.integKeyLength(),
                    in.encrKeyLength(),
                    ctx);
        } catch (RuntimeException e) {
            seed.destroy();
            return CompletableFuture.failedFuture(e);
        }
        return keys.whenComplete((k, e) -> seed.destroy()).thenApply(TokenIkeCrypto::secrets);
    }

    /** g^ir in the token; the share is used up either way, and an invalid peer value costs no token call. */
    private CompletableFuture<SealedKey> agree(KeyShare mine, byte[] peerKe, AuditContext ctx) {
        if (mine instanceof ReusedKeyShare.Lease lease) {
            try {
                return kx.agree(lease, peerKe, ctx);
            } catch (InvalidKeyExchangeException e) {
                throw new InvalidPeerValueException(e.getMessage(), e);
            }
        }
        if (!(mine instanceof DhKeyPair pair)) {
            mine.destroy();
            throw new IllegalArgumentException("key share " + mine + " was not made by token '" + token.name() + "'");
        }
        try {
            return kx.agree(pair, peerKe, ctx);
        } catch (InvalidKeyExchangeException e) {
            throw new InvalidPeerValueException(e.getMessage(), e);
        }
    }

    private SealedKey sealed(Secret s) {
        if (s instanceof SealedKey k && k.token() == token) {
            return k;
        }
        throw new IllegalArgumentException("secret " + s.name() + " does not live on token '" + token.name() + "'");
    }

    private static IkeSaSecrets secrets(IkeSaKeys k) {
        return new IkeSaSecrets(k.skD(), k.skAi(), k.skAr(), k.skEi(), k.skEr(), k.skPi(), k.skPr());
    }

    /** Runs a step whose synchronous refusal (a bad argument) becomes a failed future, as the port promises. */
    private static <T> CompletableFuture<T> guarded(Supplier<CompletableFuture<T>> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(
                    e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
        }
    }
}
