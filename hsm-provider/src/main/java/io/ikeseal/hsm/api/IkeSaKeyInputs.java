package io.ikeseal.hsm.api;

import java.util.Objects;

/**
 * The public inputs of an IKE SA's key schedule (RFC 7296 §2.14): SKEYSEED = prf(Ni | Nr, g^ir) and
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).
 *
 * @param spiI           the initiator's IKE SPI, 8 octets
 * @param spiR           the responder's IKE SPI, 8 octets
 * @param integKeyLength SK_ai/SK_ar length, 0 with an AEAD cipher
 * @param encrKeyLength  SK_ei/SK_er length including any salt
 */
public record IkeSaKeyInputs(
        Prf prf, byte[] ni, byte[] nr, byte[] spiI, byte[] spiR, int integKeyLength, int encrKeyLength) {
    public IkeSaKeyInputs {
        Objects.requireNonNull(prf, "prf");
        ni = ni.clone();
        nr = nr.clone();
        spiI = spiI.clone();
        spiR = spiR.clone();
    }

    /** An IKE SPI as the 8 octets prf+ takes (network order). */
    public static byte[] spi(long spi) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) spi;
            spi >>>= 8;
        }
        return b;
    }

    @Override
    public byte[] ni() {
        return ni.clone();
    }

    @Override
    public byte[] nr() {
        return nr.clone();
    }

    @Override
    public byte[] spiI() {
        return spiI.clone();
    }

    @Override
    public byte[] spiR() {
        return spiR.clone();
    }
}
