package io.ikeseal.hsm.schedule;

import javax.security.auth.Destroyable;

import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.token.SealedKey;

/**
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) (RFC 7296 §2.14).
 *
 * <p>SK_d stays sealed in the key-exchange token (it keys every later CHILD SA and the IKE SA rekey). The other six
 * are host keys: SK_a/SK_e protect IKE messages, and SK_pi/SK_pr feed the AUTH payload's MACed ID
 * (prf(SK_px, IDx'), §2.15), computed on the host like the message protection; all six belong to the
 * IKE-protecting class the sealed tier lets leave the token. The owner destroys them all (see {@link #destroy()})
 * when the IKE SA is deleted or rekeyed.
 *
 * @param skD  SK_d, sealed, prf output length
 * @param skAi SK_ai, integrity key length (0 with an AEAD cipher)
 * @param skAr SK_ar
 * @param skEi SK_ei, encryption key length including any salt (e.g. 36 for AES-256-GCM)
 * @param skEr SK_er
 * @param skPi SK_pi, prf output length
 * @param skPr SK_pr
 */
public record IkeSaKeys(
        SealedKey skD, HostKey skAi, HostKey skAr, HostKey skEi, HostKey skEr, HostKey skPi, HostKey skPr)
        implements Destroyable {

    /** Drops SK_d's handle and zeroizes the six host keys. */
    @Override
    public void destroy() {
        skD.destroy();
        skAi.destroy();
        skAr.destroy();
        skEi.destroy();
        skEr.destroy();
        skPi.destroy();
        skPr.destroy();
    }

    @Override
    public boolean isDestroyed() {
        return skD.isDestroyed() && skEi.isDestroyed();
    }
}
