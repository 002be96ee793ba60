package io.ikeseal.hsm.kx;

import io.ikeseal.hsm.token.TokenException;

/**
 * No longer thrown: {@link KeyExchange#agree} now returns a g^ir the token trimmed of its leading zero octets as a
 * SealedKey with {@link io.ikeseal.hsm.token.SealedKey#missingLeadingZeros()}, and the key schedule restores them
 * (RFC 7296 §2.14). Kept only until host-agent's BenchTokenCommand drops its retry on it.
 */
@Deprecated(forRemoval = true)
public final class TruncatedSharedSecretException extends TokenException {
    private final DhGroup group;

    public TruncatedSharedSecretException(String token, DhGroup group, int got) {
        super("token '" + token + "': g^ir for " + group.proposalName() + " came back as " + got + " of "
                + group.sharedSecretLength() + " octets (leading zero octets dropped by the token)");
        this.group = group;
    }

    public DhGroup group() {
        return group;
    }
}
