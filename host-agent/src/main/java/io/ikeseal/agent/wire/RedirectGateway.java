package io.ikeseal.agent.wire;

import java.nio.charset.StandardCharsets;

/**
 * The gateway identity in REDIRECT and REDIRECTED_FROM (RFC 5685 §8.1, §8.2): type, length, identity, and for
 * REDIRECT in an IKE_SA_INIT response the initiator's nonce echoed back.
 *
 * @param identityType {@link #IPV4}, {@link #IPV6} or {@link #FQDN}
 * @param nonce        the Nonce Data of a REDIRECT, empty when absent
 */
public record RedirectGateway(int identityType, byte[] identity, byte[] nonce) {
    public static final int IPV4 = 1;
    public static final int IPV6 = 2;
    public static final int FQDN = 3;

    public String describe() {
        return switch (identityType) {
            case FQDN -> new String(identity, StandardCharsets.US_ASCII);
            default -> java.util.HexFormat.of().formatHex(identity);
        };
    }

    static RedirectGateway read(WireReader r, boolean mayCarryNonce) throws MalformedMessageException {
        int type = r.u8();
        int length = r.u8();
        boolean ok = switch (type) {
            case IPV4 -> length == 4;
            case IPV6 -> length == 16;
            case FQDN -> length > 0;
            default -> false;
        };
        if (!ok || length > r.remaining()) {
            throw MalformedMessageException.syntax("redirect gateway: type " + type + " length " + length);
        }
        byte[] identity = r.bytes(length);
        byte[] nonce = r.rest();
        if ((!mayCarryNonce && nonce.length > 0)
                || (nonce.length > 0
                        && (nonce.length < NoncePayload.MIN_LENGTH || nonce.length > NoncePayload.MAX_LENGTH))) {
            throw MalformedMessageException.syntax("redirect gateway: " + nonce.length + " trailing octets");
        }
        return new RedirectGateway(type, identity, nonce);
    }
}
