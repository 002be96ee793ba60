package io.ikeseal.hsm.token;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.ikeseal.hsm.api.ResidencyTier;

/**
 * How to reach one token: its PKCS#11 module, which slot, how to log in, what it is for and how many
 * operations it may run at once.
 *
 * @param name        the token's name in configuration, audit records and logs
 * @param library     the PKCS#11 module
 * @param slot        which slot (label, URI attributes or slot ID)
 * @param pin         where the user PIN comes from
 * @param nssArgs     NSS softoken's C_Initialize argument string, or null for other modules
 * @param environment environment variables the module reads at C_Initialize (e.g. SOFTHSM2_CONF)
 * @param roles       what the token is used for
 * @param tier        the residency tier required of the key-exchange role
 * @param threads     size of the token's executor (a smartcard wants 1, an HSM its session count)
 */
public record TokenSpec(
        String name,
        Path library,
        SlotSelector slot,
        PinSource pin,
        String nssArgs,
        Map<String, String> environment,
        Set<TokenRole> roles,
        ResidencyTier tier,
        int threads) {

    public TokenSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(library, "library");
        Objects.requireNonNull(slot, "slot");
        pin = pin == null ? PinSource.none() : pin;
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        roles = Set.copyOf(roles);
        tier = tier == null ? ResidencyTier.SEALED : tier;
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("token " + name + ": threads must be 1..256, was " + threads);
        }
    }
}
