package io.ikeseal.agent.esp;

import java.io.Serial;
import java.util.Arrays;

import javax.crypto.SecretKey;

/**
 * Key octets of one ESP half that this package owns and can zero: a {@link javax.crypto.spec.SecretKeySpec} keeps
 * a copy nobody can wipe. The JCA asks for {@link #getEncoded()} at every {@code init} and zeroes that copy after its
 * key schedule (JDK AES, HMAC and ChaCha20 do).
 */
final class EspKey implements SecretKey {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String algorithm;
    private final byte[] octets;
    private volatile boolean destroyed;

    /** Copies {@code length} octets of {@code source} from {@code offset}. */
    EspKey(String algorithm, byte[] source, int offset, int length) {
        this.algorithm = algorithm;
        this.octets = Arrays.copyOfRange(source, offset, offset + length);
    }

    @Override
    public String getAlgorithm() {
        return algorithm;
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    @Override
    public byte[] getEncoded() {
        if (destroyed) {
            throw new IllegalStateException("the ESP key was destroyed");
        }
        return octets.clone();
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(octets, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "EspKey[" + algorithm + ", " + octets.length + " octets" + (destroyed ? ", destroyed" : "") + "]";
    }
}
