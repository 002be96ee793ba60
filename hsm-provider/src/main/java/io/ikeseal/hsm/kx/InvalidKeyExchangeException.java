package io.ikeseal.hsm.kx;

import io.ikeseal.hsm.api.DhGroup;

/**
 * The peer's Key Exchange Data failed a check of RFC 7296 §3.4 / RFC 6989 §2 before any token call. The message
 * names the group and the reason, never the value. RFC 6989 §2.5 says what the exchange does next: drop an
 * IKE_SA_INIT message, answer INVALID_SYNTAX in CREATE_CHILD_SA.
 */
public final class InvalidKeyExchangeException extends RuntimeException {
    /** Why the value was refused. */
    public enum Reason {
        /** Not exactly the group's length (RFC 7296 §3.4; RFC 5903 §7: x | y, no 0x04 prefix). */
        WRONG_LENGTH,
        /** MODP: not 1 < y < p-1 (RFC 6989 §2.1); ECP: a coordinate not below the field prime. */
        OUT_OF_RANGE,
        /** ECP: (x, y) does not satisfy the curve equation (RFC 6989 §2.3). */
        NOT_ON_CURVE,
        /** ECP: the all-zero encoding, which several libraries use for the point at infinity. */
        POINT_AT_INFINITY,
        /** The KE payload names another group than the key pair's (RFC 7296 §1.2, §3.4). */
        GROUP_MISMATCH
    }

    private final DhGroup group;
    private final Reason reason;

    public InvalidKeyExchangeException(DhGroup group, Reason reason, String detail) {
        super("invalid Key Exchange Data for " + group.proposalName() + " (group " + group.id() + "): " + reason
                + (detail == null ? "" : " (" + detail + ")"));
        this.group = group;
        this.reason = reason;
    }

    public DhGroup group() {
        return group;
    }

    public Reason reason() {
        return reason;
    }
}
