package io.ikeseal.hsm.token;

/** What a deployment uses a token for (docs/tokens.md: one token may hold both roles). */
public enum TokenRole {
    /** Holds signing keys (a smartcard); signs IKE_AUTH. */
    IDENTITY,
    /** Runs Diffie-Hellman and the key schedule; holds pre-shared keys (an HSM). */
    KEY_EXCHANGE;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
