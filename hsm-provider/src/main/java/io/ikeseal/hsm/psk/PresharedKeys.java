package io.ikeseal.hsm.psk;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import javax.crypto.KDF;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;
import io.ikeseal.hsm.token.TokenOperation;

/**
 * Pre-shared keys held in the key-exchange token as persistent, sensitive, unextractable secret keys, used for
 * AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), octets) (RFC 7296 §2.15) without the PSK ever reaching the
 * host again after import.
 *
 * <p>Storage: for every {@link Prf} a PSK is kept as {@link PskChunks} (the HMAC-normalized key, zero-padded and cut
 * into 32-octet "AES" keys) under aliases {@code ikeseal-psk/<name>/<prf>/<i>}. One set per PRF, always: PSKs of
 * 65..128 octets (hashed for prfsha256, padded for the others) and of more than 128 octets (hashed with each PRF's
 * own hash) need different sets, and one uniform layout keeps lookup and deletion simple; the cost is at most 12
 * small token objects per PSK. A persistent token is required (for NSS softoken, a database in readWrite mode; as a
 * plain library, its key-storage slot). PSKs need the sealed tier: on a compat token every operation fails, naming
 * CKM_HKDF_DERIVE.
 *
 * <p>Management ({@link #importPsk}, {@link #delete}, {@link #list}, {@link #exists}) is static, for the CLI and
 * configuration loading; {@link #keyPad} is bound to the running key-exchange token. Every call is an audited token
 * operation whose key reference is the PSK's name, never its value. This process's KeyStore sees PSKs imported by
 * another process only after the token is reopened.
 */
public final class PresharedKeys {
    /** Below this many octets a PSK cannot carry 256 bits, the strength of the strongest key usually negotiated. */
    public static final int RECOMMENDED_MIN_LENGTH = 32;

    static final String PREFIX = "ikeseal-psk/";
    private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@:+=-]{1,128}");

    private final Token token;
    private final KeyPads pads = new KeyPads();

    public PresharedKeys(Token token) {
        this.token = Objects.requireNonNull(token, "token");
    }

    public Token token() {
        return token;
    }

    /**
     * prf(PSK, "Key Pad for IKEv2") as a sealed key (HKDF-Extract with the PSK's chunks as salt keys), for
     * AUTH = {@code schedule.prf(prf, keyPad, octets)}. The caller destroys it after computing AUTH.
     * Operation "psk-keypad".
     */
    public CompletableFuture<SealedKey> keyPad(Prf prf, String name, AuditContext ctx) {
        checkName(name);
        Objects.requireNonNull(prf, "prf");
        return token.call(new TokenOperation("psk-keypad", "CKM_HKDF_DERIVE", name), ctx, () -> {
            requireSealed(token);
            SecretKey pad = extractKeyPad(token.provider(), token.keyStore(), prf, name);
            if (pad == null) {
                throw new TokenException("no pre-shared key '" + name + "' (for " + prf.proposalName() + ") on token '"
                        + token.name() + "'");
            }
            return new SealedKey(token, "psk-keypad/" + name, pad, prf.outputLength());
        });
    }

    /**
     * AUTH = prf(prf(PSK, "Key Pad for IKEv2"), octets) (RFC 7296 §2.15), computed in the token and returned: the only
     * value that leaves it. The key pad is derived once per PSK, PRF and opened token and kept there as a sealed session
     * key ({@link KeyPads}), so an AUTH is one HMAC (C_SignInit, C_SignUpdate, C_SignFinal) instead of a KeyStore lookup
     * of the chunks, two imports and two derives. Operation "prf" with key reference {@code psk-keypad/<name>}, after a
     * "psk-keypad" record whenever the pad had to be derived.
     */
    public CompletableFuture<byte[]> auth(Prf prf, String name, byte[] octets, AuditContext ctx) {
        checkName(name);
        Objects.requireNonNull(prf, "prf");
        if (octets.length == 0) {
            throw new IllegalArgumentException("AUTH octets must not be empty");
        }
        byte[] data = octets.clone();
        SecretKey cached = pads.get(token.provider(), prf, name);
        CompletableFuture<SecretKey> pad = cached != null
                ? CompletableFuture.completedFuture(cached)
                : token.call(new TokenOperation("psk-keypad", "CKM_HKDF_DERIVE", name), ctx, () -> {
                    requireSealed(token);
                    long generation = KeyPads.generation();
                    SecretKey p = extractKeyPad(token.provider(), token.keyStore(), prf, name);
                    if (p == null) {
                        throw new TokenException("no pre-shared key '" + name + "' (for " + prf.proposalName()
                                + ") on token '" + token.name() + "'");
                    }
                    pads.put(token.provider(), prf, name, p, generation);
                    return p;
                });
        String mechanism = "CKM_" + prf.digestAlgorithm().replace("-", "") + "_HMAC";
        return pad.thenCompose(p -> token.call(new TokenOperation("prf", mechanism, "psk-keypad/" + name), ctx, () -> {
            try {
                Mac mac = Mac.getInstance(prf.macAlgorithm(), token.provider());
                mac.init(p);
                return mac.doFinal(data);
            } finally {
                Arrays.fill(data, (byte) 0);
            }
        }));
    }

    /** prf(PSK, "Key Pad for IKEv2") from the PSK's chunks, in the token; null if there is no such PSK. */
    private static SecretKey extractKeyPad(Provider provider, KeyStore ks, Prf prf, String name) throws Exception {
        HKDFParameterSpec.Builder b = HKDFParameterSpec.ofExtract();
        int n = 0;
        for (int i = 0; i < PskChunks.maxChunks(prf); i++) {
            Key chunk = ks.getKey(alias(name, prf, i), null);
            if (chunk == null) {
                break;
            }
            b.addSalt((SecretKey) chunk);
            n++;
        }
        if (n == 0) {
            return null;
        }
        return KDF.getInstance(prf.kdfAlgorithm(), provider)
                .deriveKey("Generic", b.addIKM(KEY_PAD).extractOnly());
    }

    /**
     * Computes every stored PSK's key pad exactly as {@link #keyPad} does: the check a reopened token passes before it
     * takes calls again. Every one, since NSS softoken without its key4.db still serves a PSK of one chunk but not one
     * of two. Nothing leaves the token.
     */
    public static void probe(Provider provider, KeyStore ks) throws Exception {
        String suffix = "/" + Prf.HMAC_SHA2_256.proposalName() + "/0";
        for (String a : Collections.list(ks.aliases())) {
            if (a.startsWith(PREFIX) && a.endsWith(suffix)) {
                String name = a.substring(PREFIX.length(), a.length() - suffix.length());
                if (extractKeyPad(provider, ks, Prf.HMAC_SHA2_256, name) == null) {
                    throw new TokenException("pre-shared key '" + name + "' cannot be read");
                }
            }
        }
    }

    /**
     * Stores {@code psk} under {@code name}, wiping the caller's array in every case. Refuses an empty PSK (at once)
     * and an existing name unless {@code replace}; a PSK shorter than {@value #RECOMMENDED_MIN_LENGTH} octets is
     * stored and flagged {@link PskImport#weak()}. Replacing deletes the old chunks first, so a failure in between
     * leaves no PSK of that name (never a mix). Operation "psk-import".
     */
    public static CompletableFuture<PskImport> importPsk(Token token, String name, byte[] psk, boolean replace) {
        Objects.requireNonNull(psk, "psk");
        byte[] copy = psk.clone();
        Arrays.fill(psk, (byte) 0);
        try {
            checkName(name);
            if (copy.length == 0) {
                throw new IllegalArgumentException("pre-shared key '" + name + "' is empty");
            }
        } catch (RuntimeException e) {
            Arrays.fill(copy, (byte) 0);
            throw e;
        }
        return token.call(new TokenOperation("psk-import", "C_CreateObject", name), AuditContext.NONE, () -> {
            try {
                requireSealed(token);
                KeyStore ks = token.keyStore();
                List<String> existing = aliasesOf(ks, name);
                if (!existing.isEmpty() && !replace) {
                    throw new TokenException("pre-shared key '" + name + "' already exists on token '" + token.name()
                            + "'; replace it explicitly to overwrite");
                }
                // Before and after the change: a pad derived by another token thread meanwhile is stale either way.
                KeyPads.invalidate();
                try {
                    for (String a : existing) {
                        ks.deleteEntry(a);
                    }
                    store(ks, name, copy);
                } finally {
                    KeyPads.invalidate();
                }
                return new PskImport(name, copy.length, !existing.isEmpty(), copy.length < RECOMMENDED_MIN_LENGTH);
            } finally {
                Arrays.fill(copy, (byte) 0);
            }
        });
    }

    /** Deletes every chunk of {@code name}; completes with whether it existed. Operation "psk-delete". */
    public static CompletableFuture<Boolean> delete(Token token, String name) {
        checkName(name);
        return token.call(new TokenOperation("psk-delete", "C_DestroyObject", name), AuditContext.NONE, () -> {
            KeyStore ks = token.keyStore();
            List<String> aliases = aliasesOf(ks, name);
            KeyPads.invalidate();
            try {
                for (String a : aliases) {
                    ks.deleteEntry(a);
                }
            } finally {
                KeyPads.invalidate();
            }
            return !aliases.isEmpty();
        });
    }

    /** Names of the PSKs on the token, sorted; never values. Operation "psk-list". */
    public static CompletableFuture<List<String>> list(Token token) {
        return token.call(new TokenOperation("psk-list", "C_FindObjects", null), AuditContext.NONE, () -> {
            TreeSet<String> names = new TreeSet<>();
            for (String a : Collections.list(token.keyStore().aliases())) {
                if (a.startsWith(PREFIX)) {
                    int end = a.indexOf('/', PREFIX.length());
                    if (end > PREFIX.length()) {
                        names.add(a.substring(PREFIX.length(), end));
                    }
                }
            }
            return List.copyOf(names);
        });
    }

    /** Whether a PSK of that name is on the token. Operation "psk-exists". */
    public static CompletableFuture<Boolean> exists(Token token, String name) {
        checkName(name);
        return token.call(
                new TokenOperation("psk-exists", "C_FindObjects", name),
                AuditContext.NONE,
                () -> !aliasesOf(token.keyStore(), name).isEmpty());
    }

    private static void store(KeyStore ks, String name, byte[] psk) throws Exception {
        List<String> written = new ArrayList<>();
        try {
            for (Prf prf : Prf.values()) {
                byte[][] chunks = PskChunks.of(prf, psk);
                try {
                    for (int i = 0; i < chunks.length; i++) {
                        String alias = alias(name, prf, i);
                        ks.setEntry(alias, new KeyStore.SecretKeyEntry(new SecretKeySpec(chunks[i], "AES")), null);
                        written.add(alias);
                    }
                } finally {
                    for (byte[] c : chunks) {
                        Arrays.fill(c, (byte) 0);
                    }
                }
            }
        } catch (Exception e) {
            for (String a : written) {
                try {
                    ks.deleteEntry(a);
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static List<String> aliasesOf(KeyStore ks, String name) throws Exception {
        String prefix = PREFIX + name + "/";
        return Collections.list(ks.aliases()).stream()
                .filter(a -> a.startsWith(prefix))
                .sorted()
                .toList();
    }

    static String alias(String name, Prf prf, int i) {
        return PREFIX + name + "/" + prf.proposalName() + "/" + i;
    }

    private static void requireSealed(Token token) {
        if (token.tier() != ResidencyTier.SEALED) {
            throw new TokenException(
                    "token '" + token.name() + "' runs at tier " + token.tier().configName()
                            + ": pre-shared keys need the sealed tier, where the token computes prf(PSK, ...) itself with "
                            + "CKM_HKDF_DERIVE so the key never leaves it");
        }
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("pre-shared key name must be 1..128 of A-Z a-z 0-9 . _ @ : + = -, was "
                    + (name == null ? "null" : "'" + name + "'"));
        }
    }
}
