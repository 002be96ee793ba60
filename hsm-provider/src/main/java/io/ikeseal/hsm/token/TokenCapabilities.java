package io.ikeseal.hsm.token;

import static io.ikeseal.hsm.token.Mechanisms.*;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;

/**
 * What a token can do, in IKE terms, derived from its mechanism list (C_GetMechanismList/Info).
 *
 * @param mechanisms       every mechanism the token offers, by name
 * @param dhGroups         DH groups it can generate keys and derive secrets for
 * @param sealedPrfs       PRFs it can run sealed (HKDF inside the token)
 * @param signatureMethods IKE_AUTH signature methods it can produce (RFC 7296 §3.8, RFC 7427)
 */
public record TokenCapabilities(
        Set<String> mechanisms,
        Set<DhGroup> dhGroups,
        Set<Prf> sealedPrfs,
        Set<String> signatureMethods,
        Map<Long, Pkcs11Module.MechanismInfo> byNumber) {

    /**
     * Mechanisms without which the schedule cannot stay in the token. Mixed key/data HKDF input also needs
     * CKM_CONCATENATE_*, which NSS offers on its crypto slot but does not list on its key-storage slot, so
     * that part is proven by the sealed-schedule start-up self-test (hsm.schedule) instead of the mechanism list.
     */
    static final long[] SEALED_SCHEDULE = {CKM_HKDF_DERIVE, CKM_HKDF_DATA};

    public static TokenCapabilities from(List<Pkcs11Module.MechanismInfo> infos) {
        Map<Long, Pkcs11Module.MechanismInfo> byNumber = new TreeMap<>();
        Set<String> names = new LinkedHashSet<>();
        for (Pkcs11Module.MechanismInfo i : infos) {
            byNumber.put(i.mechanism(), i);
            names.add(i.name());
        }
        Set<DhGroup> groups = EnumSet.noneOf(DhGroup.class);
        for (DhGroup g : DhGroup.values()) {
            boolean modp = g.kind() == DhGroup.Kind.MODP;
            long gen = modp ? CKM_DH_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN;
            long derive = modp ? CKM_DH_PKCS_DERIVE : CKM_ECDH1_DERIVE;
            if (byNumber.containsKey(derive) && fits(byNumber.get(gen), g.bits())) {
                groups.add(g);
            }
        }
        Set<Prf> prfs = EnumSet.noneOf(Prf.class);
        if (missingOf(byNumber, SEALED_SCHEDULE).isEmpty()) {
            prfs.addAll(EnumSet.allOf(Prf.class));
        }
        Set<String> sig = new LinkedHashSet<>();
        if (has(byNumber, CKM_RSA_PKCS, CKM_SHA256_RSA_PKCS)) {
            sig.add("rsa-pkcs1");
            sig.add("rfc7427-rsa-pkcs1");
        }
        if (has(byNumber, CKM_RSA_PKCS_PSS, CKM_SHA256_RSA_PKCS_PSS)) {
            sig.add("rfc7427-rsa-pss");
        }
        if (has(byNumber, CKM_ECDSA, CKM_ECDSA_SHA256)) {
            sig.add("ecdsa-p256");
            sig.add("ecdsa-p384");
            sig.add("ecdsa-p521");
            sig.add("rfc7427-ecdsa");
        }
        return new TokenCapabilities(names, groups, prfs, sig, byNumber);
    }

    private static boolean fits(Pkcs11Module.MechanismInfo gen, int bits) {
        // A max of 0 means the token does not say; trust the derive mechanism then.
        return gen != null && (gen.maxKeySize() == 0 || (gen.minKeySize() <= bits && bits <= gen.maxKeySize()));
    }

    private static boolean has(Map<Long, Pkcs11Module.MechanismInfo> m, long... anyOf) {
        for (long x : anyOf) {
            if (m.containsKey(x)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> missingOf(Map<Long, Pkcs11Module.MechanismInfo> m, long... required) {
        List<String> missing = new ArrayList<>();
        for (long x : required) {
            if (!m.containsKey(x)) {
                missing.add(Pkcs11Module.mechanismName(x));
            }
        }
        return missing;
    }

    /** The same capabilities with only {@code served} DH groups (after the start-up self-test). */
    public TokenCapabilities withDhGroups(Set<DhGroup> served) {
        Set<DhGroup> groups = EnumSet.noneOf(DhGroup.class);
        groups.addAll(served);
        groups.retainAll(dhGroups);
        return new TokenCapabilities(
                mechanisms, java.util.Collections.unmodifiableSet(groups), sealedPrfs, signatureMethods, byNumber);
    }

    /** The best residency tier the key-exchange role can have on this token. */
    public ResidencyTier bestTier() {
        return sealedPrfs.isEmpty() ? ResidencyTier.COMPAT : ResidencyTier.SEALED;
    }

    /** Mechanism names this token lacks to serve {@code role} at {@code tier}; empty if it can. */
    public List<String> missingFor(TokenRole role, ResidencyTier tier) {
        List<String> missing = new ArrayList<>();
        switch (role) {
            case KEY_EXCHANGE -> {
                if (dhGroups.isEmpty()) {
                    missing.addAll(missingOf(byNumber, CKM_ECDH1_DERIVE, CKM_EC_KEY_PAIR_GEN));
                    missing.addAll(missingOf(byNumber, CKM_DH_PKCS_DERIVE, CKM_DH_PKCS_KEY_PAIR_GEN));
                }
                if (tier == ResidencyTier.SEALED) {
                    missing.addAll(missingOf(byNumber, SEALED_SCHEDULE));
                }
            }
            case IDENTITY -> {
                if (signatureMethods.isEmpty()) {
                    missing.add("a signature mechanism (CKM_ECDSA, CKM_RSA_PKCS or CKM_RSA_PKCS_PSS)");
                }
            }
        }
        return missing;
    }

    public boolean offers(long mechanism) {
        return byNumber.containsKey(mechanism);
    }
}
