package io.ikeseal.hsm.token;

import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One login on a token: the SunPKCS11 provider bound to the slot, its logged-in KeyStore, and the private key
 * handles re-found in it. Recovery replaces the whole session; handles from an older one are never used again.
 *
 * @param generation 0 for the login at start, then one more per recovery
 * @param how        the PKCS#11 steps that made it, for the audit record
 */
record TokenSession(
        Provider provider,
        KeyStore keyStore,
        Pkcs11Module.SlotInfo slot,
        int generation,
        String how,
        Map<String, PrivateKey> keys) {

    TokenSession(Provider provider, KeyStore keyStore, Pkcs11Module.SlotInfo slot, int generation, String how) {
        this(provider, keyStore, slot, generation, how, new ConcurrentHashMap<>());
    }

    @Override
    public String toString() {
        return "TokenSession[" + generation + ", slot " + slot.slotId() + ", " + how + "]";
    }
}
