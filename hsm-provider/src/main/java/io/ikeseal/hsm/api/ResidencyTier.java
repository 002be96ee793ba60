package io.ikeseal.hsm.api;

/** How much of the key schedule stays inside the key-exchange token. */
public enum ResidencyTier {
    /** g^ir, SKEYSEED, SK_d, DH private values and PSKs never leave the token (needs CKM_HKDF_*). */
    SEALED,
    /** g^ir is read out and the schedule runs on the host; only when configured explicitly. */
    COMPAT;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
