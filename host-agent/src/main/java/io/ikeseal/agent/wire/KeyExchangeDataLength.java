package io.ikeseal.agent.wire;

import java.util.Optional;

/**
 * The exact Key Exchange Data length of each Diffie-Hellman group ikeseal serves, by Transform Type 4 ID
 * (RFC 7296 §3.3.2, §3.4): the padded prime for MODP (RFC 3526), x|y for ECP (RFC 5903 §7). The codec checks a
 * KE payload against it at decode time (an unchecked length was CVE-2023-41913). It is the wire's own copy, so
 * the codec needs nothing from the token layer; a host-agent test keeps it equal to hsm.api's DhGroup.
 */
enum KeyExchangeDataLength {
    MODP_2048(14, "modp2048", 256),
    MODP_3072(15, "modp3072", 384),
    MODP_4096(16, "modp4096", 512),
    ECP_256(19, "ecp256", 64),
    ECP_384(20, "ecp384", 96),
    ECP_521(21, "ecp521", 132);

    private final int dhGroup;
    private final String groupName;
    private final int octets;

    KeyExchangeDataLength(int dhGroup, String groupName, int octets) {
        this.dhGroup = dhGroup;
        this.groupName = groupName;
        this.octets = octets;
    }

    int dhGroup() {
        return dhGroup;
    }

    /** The group's name in proposal strings, for error messages. */
    String groupName() {
        return groupName;
    }

    int octets() {
        return octets;
    }

    /** The entry for a DH Group Num, or empty for a group ikeseal does not serve (answered with INVALID_KE). */
    static Optional<KeyExchangeDataLength> of(int dhGroup) {
        for (KeyExchangeDataLength l : values()) {
            if (l.dhGroup == dhGroup) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
