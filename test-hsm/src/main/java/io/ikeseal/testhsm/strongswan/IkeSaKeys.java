package io.ikeseal.testhsm.strongswan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The keys charon derived for one IKE SA (initial or rekeyed), identified by its SPIs. */
public final class IkeSaKeys {
    private final String name;
    private final int uniqueId;
    private final long initiatorSpi;
    private final long responderSpi;
    private final Map<IkeKey, byte[]> keys;

    IkeSaKeys(String name, int uniqueId, long initiatorSpi, long responderSpi, Map<IkeKey, byte[]> keys) {
        this.name = name;
        this.uniqueId = uniqueId;
        this.initiatorSpi = initiatorSpi;
        this.responderSpi = responderSpi;
        this.keys = new EnumMap<>(IkeKey.class);
        keys.forEach((k, v) -> this.keys.put(k, v.clone()));
    }

    /** The connection name; "(unnamed)" for a responder's SA that never got past IKE_SA_INIT. */
    public String name() {
        return name;
    }

    /** charon's unique id of the IKE SA (the N in "gw[N]"). */
    public int uniqueId() {
        return uniqueId;
    }

    public long initiatorSpi() {
        return initiatorSpi;
    }

    public long responderSpi() {
        return responderSpi;
    }

    /** A copy of the key, or an empty array when charon logged none (SK_ai/SK_ar with AEAD). */
    public byte[] get(IkeKey key) {
        byte[] v = keys.get(key);
        return v == null ? new byte[0] : v.clone();
    }

    public boolean has(IkeKey key) {
        return keys.containsKey(key);
    }

    public byte[] skeyseed() {
        return get(IkeKey.SKEYSEED);
    }

    public byte[] skD() {
        return get(IkeKey.SK_D);
    }

    public byte[] skAi() {
        return get(IkeKey.SK_AI);
    }

    public byte[] skAr() {
        return get(IkeKey.SK_AR);
    }

    public byte[] skEi() {
        return get(IkeKey.SK_EI);
    }

    public byte[] skEr() {
        return get(IkeKey.SK_ER);
    }

    public byte[] skPi() {
        return get(IkeKey.SK_PI);
    }

    public byte[] skPr() {
        return get(IkeKey.SK_PR);
    }

    /**
     * What differs from the other side's keys of the same SA: SPIs, keys present on one side
     * only, keys with other values (named, never shown). Empty when both sides agree.
     */
    public List<String> differences(IkeSaKeys peer) {
        List<String> d = new ArrayList<>();
        if (initiatorSpi != peer.initiatorSpi || responderSpi != peer.responderSpi) {
            d.add("SPIs " + spis() + " vs " + peer.spis());
        }
        for (IkeKey k : IkeKey.values()) {
            if (has(k) != peer.has(k)) {
                d.add(k + " logged on one side only");
            } else if (has(k) && !Arrays.equals(keys.get(k), peer.keys.get(k))) {
                d.add(k + " differs");
            }
        }
        return d;
    }

    private String spis() {
        return "%016x_i %016x_r".formatted(initiatorSpi, responderSpi);
    }

    /** Names, SPIs and key lengths; the key bytes only through {@link #get} or {@link #hex}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name + "[" + uniqueId + "] " + spis());
        keys.forEach(
                (k, v) -> b.append(' ').append(k).append('(').append(v.length).append(')'));
        return b.toString();
    }

    /** The key in lowercase hex ("" when absent), for comparing with another implementation's log. */
    public String hex(IkeKey key) {
        return HexFormat.of().formatHex(get(key));
    }
}
