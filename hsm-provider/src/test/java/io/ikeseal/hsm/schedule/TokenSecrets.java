package io.ikeseal.hsm.schedule;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.SecretKeySpec;

import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenOperation;

/**
 * Test inputs with known values: on a sealed token the bytes are imported as a generic secret token key (the
 * tier's template makes it sensitive and unextractable, like an ECDH result); on a compat token they are a
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
        SealedKey held = secret(token, name, java.util.Arrays.copyOfRange(value, zeros, value.length));
        return new SealedKey(token, name, held.key(), value.length, zeros);
    }

    static SealedKey secret(Token token, String name, byte[] value) {
        if (token.tier() == ResidencyTier.COMPAT) {
            return new SealedKey(token, name, new SecretKeySpec(value, "Generic"), value.length);
        }
        return Token.await(token.call(
                new TokenOperation("test-import", "C_CreateObject", name),
                null,
                () -> new SealedKey(
                        token,
                        name,
                        SecretKeyFactory.getInstance("Generic", token.provider())
                                .translateKey(new SecretKeySpec(value, "Generic")),
                        value.length)));
    }
}
