package io.ikeseal.hsm.api;

import java.util.Optional;

/**
 * Diffie-Hellman groups ikeseal serves, by their IKEv2 transform type 4 numbers
 * (RFC 7296 §3.3.2; MODP from RFC 3526, ECP from RFC 5903).
 */
public enum DhGroup {
    MODP_2048(14, "modp2048", Kind.MODP, 2048, null),
    MODP_3072(15, "modp3072", Kind.MODP, 3072, null),
    MODP_4096(16, "modp4096", Kind.MODP, 4096, null),
    ECP_256(19, "ecp256", Kind.ECP, 256, "secp256r1"),
    ECP_384(20, "ecp384", Kind.ECP, 384, "secp384r1"),
    ECP_521(21, "ecp521", Kind.ECP, 521, "secp521r1");

    public enum Kind {
        MODP,
        ECP
    }

    private final int id;
    private final String proposalName;
    private final Kind kind;
    private final int bits;
    private final String curve;

    DhGroup(int id, String proposalName, Kind kind, int bits, String curve) {
        this.id = id;
        this.proposalName = proposalName;
        this.kind = kind;
        this.bits = bits;
        this.curve = curve;
    }

    /** IKEv2 transform ID (e.g. 19 for ecp256). */
    public int id() {
        return id;
    }

    /** The name in strongSwan-style proposal strings (e.g. "ecp256"). */
    public String proposalName() {
        return proposalName;
    }

    public Kind kind() {
        return kind;
    }

    /** Prime size in bits. */
    public int bits() {
        return bits;
    }

    /** JCA standard curve name for ECP groups, null for MODP. */
    public String curve() {
        return curve;
    }

    /** Length of the KE payload's key exchange data: the padded prime for MODP, x|y for ECP (RFC 5903 §7). */
    public int publicValueLength() {
        int fieldBytes = (bits + 7) / 8;
        return kind == Kind.MODP ? fieldBytes : 2 * fieldBytes;
    }

    /** Length of the shared secret g^ir: the padded prime for MODP, x for ECP (RFC 5903 §7). */
    public int sharedSecretLength() {
        return (bits + 7) / 8;
    }

    public static Optional<DhGroup> byId(int id) {
        for (DhGroup g : values()) {
            if (g.id == id) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    public static Optional<DhGroup> byProposalName(String name) {
        for (DhGroup g : values()) {
            if (g.proposalName.equalsIgnoreCase(name)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }
}
