package io.ikeseal.hsm.kx;

import io.ikeseal.hsm.token.TokenException;

/**
 * The token returned g^ir shorter than the group's length, i.e. without its leading zero octets (NSS softoken does
 * so for CKM_DH_PKCS_DERIVE, about once in 256 exchanges). RFC 7296 §2.14 keeps those zeros, and a sealed g^ir
 * cannot be padded on the host, so the secret is dropped: the exchange must start again with a fresh key pair (a
 * responder that has not sent its KE payload yet can simply generate another pair and agree again).
 */
public final class TruncatedSharedSecretException extends TokenException {
    private final DhGroup group;

    public TruncatedSharedSecretException(String token, DhGroup group, int got) {
        super("token '" + token + "': g^ir for " + group.proposalName() + " came back as " + got + " of "
                + group.sharedSecretLength() + " octets (leading zero octets dropped by the token); "
                + "the secret was discarded, restart the exchange with a fresh key pair");
        this.group = group;
    }

    public DhGroup group() {
        return group;
    }
}
