package io.ikeseal.agent.wireshark;

import java.util.EnumSet;
import java.util.Set;

import io.ikeseal.hsm.api.ResidencyTier;

/**
 * Which keys of an SA each residency tier keeps on the host (docs/key-schedule.md, docs/sealing-proof.md): a row of a
 * Wireshark table is written only when every key it needs is among them, so the tables never hold a sealed key.
 */
final class HostResidentKeys {
    /** The keys of an IKE SA and its CHILD_SAs (RFC 7296 §2.14, §2.17), named as docs/key-schedule.md names them. */
    enum Role {
        G_IR,
        SKEYSEED,
        SK_D,
        SK_A,
        SK_E,
        SK_P,
        KEYMAT
    }

    private HostResidentKeys() {}

    /**
     * Sealed: the schedule runs in the token, which hands the host only what protects and authenticates messages
     * (SK_a, SK_e, SK_p: {@code HostKey}s) and the CHILD_SAs' KEYMAT for the data plane; g^ir, SKEYSEED and SK_d stay
     * in it. Compat: g^ir is read out and the whole schedule runs on the host.
     */
    static Set<Role> of(ResidencyTier tier) {
        return switch (tier) {
            case SEALED -> EnumSet.of(Role.SK_A, Role.SK_E, Role.SK_P, Role.KEYMAT);
            case COMPAT -> EnumSet.allOf(Role.class);
        };
    }
}
