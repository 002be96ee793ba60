package io.ikeseal.testhsm.strongswan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The keys charon derived for one CHILD_SA, identified by its SPIs as this charon sees them
 * (spiIn: this charon receives with it). ikeUniqueId names the IKE SA it was negotiated on.
 */
public final class ChildSaKeys {
    private final String name;
    private final int uniqueId;
    private final int ikeUniqueId;
    private final int spiIn;
    private final int spiOut;
    private final Map<ChildKey, byte[]> keys;

    ChildSaKeys(String name, int uniqueId, int ikeUniqueId, int spiIn, int spiOut, Map<ChildKey, byte[]> keys) {
        this.name = name;
        this.uniqueId = uniqueId;
        this.ikeUniqueId = ikeUniqueId;
        this.spiIn = spiIn;
        this.spiOut = spiOut;
        this.keys = new EnumMap<>(ChildKey.class);
        keys.forEach((k, v) -> this.keys.put(k, v.clone()));
    }

    public String name() {
        return name;
    }

    /** The N in "net{N}". */
    public int uniqueId() {
        return uniqueId;
    }

    public int ikeUniqueId() {
        return ikeUniqueId;
    }

    public int spiIn() {
        return spiIn;
    }

    public int spiOut() {
        return spiOut;
    }

    /** A copy of the key, or an empty array when charon logged none. */
    public byte[] get(ChildKey key) {
        byte[] v = keys.get(key);
        return v == null ? new byte[0] : v.clone();
    }

    public boolean has(ChildKey key) {
        return keys.containsKey(key);
    }

    public byte[] encryptionInitiator() {
        return get(ChildKey.ENCRYPTION_INITIATOR);
    }

    public byte[] encryptionResponder() {
        return get(ChildKey.ENCRYPTION_RESPONDER);
    }

    public byte[] integrityInitiator() {
        return get(ChildKey.INTEGRITY_INITIATOR);
    }

    public byte[] integrityResponder() {
        return get(ChildKey.INTEGRITY_RESPONDER);
    }

    /** Empty when the peer's view of the same CHILD_SA agrees: SPIs mirrored, the same keys. */
    public List<String> differences(ChildSaKeys peer) {
        List<String> d = new ArrayList<>();
        if (spiIn != peer.spiOut || spiOut != peer.spiIn) {
            d.add("SPIs in/out %08x/%08x vs peer's %08x/%08x".formatted(spiIn, spiOut, peer.spiIn, peer.spiOut));
        }
        for (ChildKey k : ChildKey.values()) {
            if (has(k) != peer.has(k)) {
                d.add(k + " logged on one side only");
            } else if (has(k) && !Arrays.equals(keys.get(k), peer.keys.get(k))) {
                d.add(k + " differs");
            }
        }
        return d;
    }

    public String hex(ChildKey key) {
        return HexFormat.of().formatHex(get(key));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(
                "%s{%d} on IKE_SA %d in %08x out %08x".formatted(name, uniqueId, ikeUniqueId, spiIn, spiOut));
        keys.forEach(
                (k, v) -> b.append(' ').append(k).append('(').append(v.length).append(')'));
        return b.toString();
    }
}
