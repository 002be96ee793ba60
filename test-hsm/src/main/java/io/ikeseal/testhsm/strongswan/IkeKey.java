package io.ikeseal.testhsm.strongswan;

/**
 * The IKE SA secrets charon dumps at log level 4 (subsystem ike), by the label it prints before
 * each hex dump, e.g. {@code Sk_ei secret => 36 bytes @ 0x...}. SK_ai/SK_ar are absent with an
 * AEAD cipher; for AES-GCM SK_ei/SK_er include the 4-octet salt (RFC 5282).
 */
public enum IkeKey {
    /** g^ir, the Diffie-Hellman shared secret. */
    SHARED_SECRET("shared Diffie Hellman secret"),
    SKEYSEED("SKEYSEED"),
    SK_D("Sk_d secret"),
    SK_AI("Sk_ai secret"),
    SK_AR("Sk_ar secret"),
    SK_EI("Sk_ei secret"),
    SK_ER("Sk_er secret"),
    SK_PI("Sk_pi secret"),
    SK_PR("Sk_pr secret");

    private final String label;

    IkeKey(String label) {
        this.label = label;
    }

    /** The text charon logs before " => N bytes @ 0x...". */
    public String label() {
        return label;
    }

    static IkeKey byLabel(String label) {
        for (IkeKey k : values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        return null;
    }
}
