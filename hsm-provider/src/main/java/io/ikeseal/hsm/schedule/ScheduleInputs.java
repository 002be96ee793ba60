package io.ikeseal.hsm.schedule;

import java.util.Objects;

import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;

/** Argument checks shared by both schedules; each failure is an IllegalArgumentException naming the field. */
final class ScheduleInputs {
    /** RFC 7296 §3.9: "The size of the Nonce Data MUST be between 16 and 256 octets, inclusive." */
    static final int MIN_NONCE = 16;

    static final int MAX_NONCE = 256;
    /** IKE SA SPIs are 8 octets (§3.1). */
    static final int IKE_SPI_LENGTH = 8;
    /** prf+ counts blocks in one octet (§2.13), so at most 255 blocks. */
    static final int MAX_BLOCKS = 255;

    private ScheduleInputs() {}

    static void nonce(String which, byte[] n) {
        Objects.requireNonNull(n, which);
        if (n.length < MIN_NONCE || n.length > MAX_NONCE) {
            throw new IllegalArgumentException(
                    which + " must be " + MIN_NONCE + ".." + MAX_NONCE + " octets (RFC 7296 §3.9), was " + n.length);
        }
    }

    static void spi(String which, byte[] spi) {
        Objects.requireNonNull(spi, which);
        if (spi.length != IKE_SPI_LENGTH) {
            throw new IllegalArgumentException(which + " must be " + IKE_SPI_LENGTH + " octets, was " + spi.length);
        }
    }

    /** A prf+ output length: 1..255 blocks. */
    static void prfPlusLength(Prf prf, String what, int length) {
        int max = MAX_BLOCKS * prf.outputLength();
        if (length < 1 || length > max) {
            throw new IllegalArgumentException(what + " must be 1.." + max + " octets for " + prf.proposalName()
                    + " (prf+ has at most 255 blocks, RFC 7296 §2.13), was " + length);
        }
    }

    static void key(Token token, String which, SealedKey key) {
        Objects.requireNonNull(key, which);
        if (key.token() != token) {
            throw new IllegalArgumentException(which + " (" + key.name() + ") lives on token '"
                    + key.token().name() + "', not on the schedule's token '" + token.name() + "'");
        }
        if (key.isDestroyed()) {
            throw new IllegalArgumentException(which + " (" + key.name() + ") was destroyed");
        }
    }

    /**
     * A key used as an HMAC key (HKDF salt or PRK) must hold its whole value: a key without its leading zero octets
     * is another HMAC key. Only g^ir can lack them (NSS trims a MODP g^ir), and g^ir is only ever prf data (IKM).
     */
    static void hmacKey(Token token, String which, SealedKey key) {
        key(token, which, key);
        if (key.missingLeadingZeros() > 0) {
            throw new IllegalStateException(which + " (" + key.name() + ") is held without its leading zero octets "
                    + "and cannot be an HMAC key (HKDF salt or PRK); only g^ir is held so, and only as prf data");
        }
    }

    static void data(String which, byte[] data) {
        Objects.requireNonNull(data, which);
        if (data.length == 0) {
            throw new IllegalArgumentException(which + " must not be empty");
        }
    }

    static void name(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a derived key needs a name");
        }
    }

    static byte[] concat(byte[]... parts) {
        return io.ikeseal.hsm.util.Octets.concat(parts);
    }
}
