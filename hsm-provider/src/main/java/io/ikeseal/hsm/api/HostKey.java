package io.ikeseal.hsm.api;

import java.util.Arrays;

import javax.security.auth.Destroyable;

/**
 * Bytes of a key the residency tier allows on the host: SK_ai/SK_ar/SK_ei/SK_er/SK_pi/SK_pr, which protect
 * and authenticate IKE messages, and child SA KEYMAT, which goes to the IPsec stack (RFC 7296 §2.14, §2.17).
 * SKEYSEED, SK_d, g^ir and pre-shared keys are never HostKeys.
 *
 * <p>{@link #destroy()} overwrites the bytes with zeros; {@link #bytes()} returns a copy the caller must wipe.
 * {@code toString()} shows the name and length only.
 */
public final class HostKey implements Destroyable {
    private final String name;
    private final byte[] bytes;
    private volatile boolean destroyed;

    /** Copies {@code bytes}; the caller keeps (and should wipe) its array. */
    public HostKey(String name, byte[] bytes) {
        this(name, bytes.clone(), true);
    }

    private HostKey(String name, byte[] owned, boolean ignored) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a host key needs a name");
        }
        this.name = name;
        this.bytes = owned;
    }

    /** Takes ownership of {@code owned} (no copy): for the schedule's freshly derived arrays. */
    public static HostKey adopt(String name, byte[] owned) {
        return new HostKey(name, owned, true);
    }

    /** The key's role, e.g. "SK_ai" or "KEYMAT". */
    public String name() {
        return name;
    }

    /** Length in bytes (0 for SK_ai/SK_ar with an AEAD cipher). */
    public int length() {
        return bytes.length;
    }

    /** A copy of the key bytes. Throws once destroyed. */
    public byte[] bytes() {
        if (destroyed) {
            throw new IllegalStateException("host key " + name + " was destroyed");
        }
        return bytes.clone();
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "HostKey[" + name + ", " + bytes.length + " bytes" + (destroyed ? ", destroyed" : "") + "]";
    }
}
