package io.ikeseal.testhsm.strongswan;

/**
 * The CHILD_SA secrets charon dumps at log level 4 (subsystem chd), by their log label.
 * "initiator" and "responder" are RFC 7296 §2.17's: the keys for the direction from the
 * initiator (of the exchange that created the CHILD_SA) to the responder come first. Integrity
 * keys are absent with an AEAD cipher; for AES-GCM the encryption keys include the 4-octet salt.
 */
public enum ChildKey {
    /** g^ir of CREATE_CHILD_SA with PFS. */
    DH_SECRET("DH secret"),
    ENCRYPTION_INITIATOR("encryption initiator key"),
    ENCRYPTION_RESPONDER("encryption responder key"),
    INTEGRITY_INITIATOR("integrity initiator key"),
    INTEGRITY_RESPONDER("integrity responder key");

    private final String label;

    ChildKey(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static ChildKey byLabel(String label) {
        for (ChildKey k : values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        return null;
    }
}
