package io.ikeseal.hsm.psk;

import java.security.Provider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.SecretKey;

import io.ikeseal.hsm.api.Prf;

/**
 * Key pads prf(PSK, "Key Pad for IKEv2") (RFC 7296 §2.15) kept as sealed session keys of the token, one per PSK and
 * PRF in use: each is a token object for as long as the process runs, never one per SA. An entry holds only for
 * the provider (opened token) it was derived on, since a reopened token has none of the old session objects, and
 * only while no PSK was imported, replaced or deleted in this process since it was derived (a generation count:
 * such changes are rare and drop every pad). A PSK changed by another process is seen after a reopen anyway.
 */
final class KeyPads {
    private static final AtomicLong GENERATION = new AtomicLong();

    /** {@code provider} is compared by identity (a Provider's equals compares its properties): held as an Object. */
    private record Pad(Object provider, long generation, SecretKey key) {}

    private final Map<String, Pad> pads = new ConcurrentHashMap<>();

    static long generation() {
        return GENERATION.get();
    }

    /** Drops every key pad of every token: called before a PSK is imported, replaced or deleted. */
    static void invalidate() {
        GENERATION.incrementAndGet();
    }

    /** The pad derived on {@code provider} since the last change of any PSK, or null. */
    SecretKey get(Provider provider, Prf prf, String name) {
        Pad p = pads.get(key(prf, name));
        if (p == null || p.provider() != (Object) provider || p.generation() != GENERATION.get()) {
            return null;
        }
        return p.key();
    }

    /** Keeps a pad derived while {@code generation} was current; a PSK changed meanwhile makes it stale at once. */
    void put(Provider provider, Prf prf, String name, SecretKey key, long generation) {
        pads.put(key(prf, name), new Pad(provider, generation, key));
    }

    private static String key(Prf prf, String name) {
        return prf.proposalName() + "/" + name;
    }
}
