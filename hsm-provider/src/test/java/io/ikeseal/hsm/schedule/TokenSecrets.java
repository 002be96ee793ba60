package io.ikeseal.hsm.schedule;

import javax.crypto.spec.SecretKeySpec;

import io.ikeseal.hsm.DirectTestKeys;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenOperation;

/**
 * Test inputs with known values: on a sealed token the bytes are imported through the direct binding as a sensitive,
 * unextractable generic secret, like the g^ir the sealed key exchange derives; on a compat token they are a
 * SecretKeySpec, as kx hands g^ir to the compat schedule.
 */
final class TokenSecrets {
    private TokenSecrets() {}

    /**
     * {@code value} as a token trims a g^ir (NSS for MODP): the key holds it without its leading zero octets, the
     * SealedKey keeps the full length and the count of missing zeros. {@code value} must start with a zero octet.
     */
    static SealedKey trimmed(Token token, String name, byte[] value) {
        int zeros = 0;
        while (zeros < value.length && value[zeros] == 0) {
            zeros++;
        }
        if (zeros == 0 || zeros == value.length) {
            throw new IllegalArgumentException("value must start with a zero octet and not be all zeros");
        }
        byte[] held = java.util.Arrays.copyOfRange(value, zeros, value.length);
        if (token.tier() == ResidencyTier.COMPAT) {
            return new SealedKey(token, name, new SecretKeySpec(held, "Generic"), value.length, zeros);
        }
        return DirectTestKeys.secret(token, name, held, value.length, zeros);
    }

    /** {@code value} as a SunPKCS11 key (a sealed generic secret by the tier's template), for tests of JCA's HKDF. */
    static SealedKey jca(Token token, String name, byte[] value) {
        return Token.await(token.call(
                new TokenOperation("test-import", "C_CreateObject", name),
                null,
                () -> new SealedKey(
                        token,
                        name,
                        javax.crypto.SecretKeyFactory.getInstance("Generic", token.provider())
                                .translateKey(new SecretKeySpec(value, "Generic")),
                        value.length)));
    }

    static SealedKey secret(Token token, String name, byte[] value) {
        if (token.tier() == ResidencyTier.COMPAT) {
            return new SealedKey(token, name, new SecretKeySpec(value, "Generic"), value.length);
        }
        return DirectTestKeys.secret(token, name, value, value.length, 0);
    }
}
