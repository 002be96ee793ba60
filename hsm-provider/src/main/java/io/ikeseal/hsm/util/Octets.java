package io.ikeseal.hsm.util;

import java.util.Arrays;

/**
 * Octets used as a map key, compared by content (an array compares by identity). The caller hands over the array
 * and must not change it afterwards. {@link #toString} gives only the length, so a key never prints its content.
 */
public record Octets(byte[] value) {
    @Override
    public boolean equals(Object o) {
        return o instanceof Octets other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Octets(" + value.length + ")";
    }

    /** The parts one after the other, in a new array. */
    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }
}
