package io.ikeseal.hsm.schedule;

import java.util.Arrays;

import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.token.SealedKey;

/**
 * The lengths of {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} (RFC 7296 §2.14): SK_d and SK_p are the
 * prf's output length, SK_a the integrity key length (0 with AEAD), SK_e the encryption key length.
 */
record KeyLayout(Prf prf, int integ, int encr) {

    static KeyLayout of(Prf prf, byte[] ni, byte[] nr, byte[] spiI, byte[] spiR, int integ, int encr) {
        ScheduleInputs.nonce("Ni", ni);
        ScheduleInputs.nonce("Nr", nr);
        ScheduleInputs.spi("SPIi", spiI);
        ScheduleInputs.spi("SPIr", spiR);
        if (integ < 0) {
            throw new IllegalArgumentException("integrity key length must be >= 0 (0 for AEAD), was " + integ);
        }
        if (encr < 1) {
            throw new IllegalArgumentException("encryption key length must be > 0, was " + encr);
        }
        KeyLayout layout = new KeyLayout(prf, integ, encr);
        ScheduleInputs.prfPlusLength(prf, "IKE SA key material", layout.totalLength());
        return layout;
    }

    /** Bytes after SK_d: SK_ai, SK_ar, SK_ei, SK_er, SK_pi, SK_pr. */
    int hostLength() {
        return 2 * integ + 2 * encr + 2 * prf.outputLength();
    }

    int totalLength() {
        return prf.outputLength() + hostLength();
    }

    /** Splits the bytes after SK_d into host keys and wipes {@code rest}. */
    IkeSaKeys split(SealedKey skD, byte[] rest) {
        if (rest.length != hostLength()) {
            throw new IllegalStateException(
                    "prf+ gave " + rest.length + " octets after SK_d, expected " + hostLength());
        }
        int p = prf.outputLength();
        int[] off = {0};
        try {
            return new IkeSaKeys(
                    skD,
                    take(rest, off, "SK_ai", integ),
                    take(rest, off, "SK_ar", integ),
                    take(rest, off, "SK_ei", encr),
                    take(rest, off, "SK_er", encr),
                    take(rest, off, "SK_pi", p),
                    take(rest, off, "SK_pr", p));
        } finally {
            Arrays.fill(rest, (byte) 0);
        }
    }

    private static HostKey take(byte[] rest, int[] off, String name, int len) {
        HostKey k = HostKey.adopt(name, Arrays.copyOfRange(rest, off[0], off[0] + len));
        off[0] += len;
        return k;
    }
}
