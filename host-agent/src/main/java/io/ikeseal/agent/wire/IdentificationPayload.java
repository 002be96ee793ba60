package io.ikeseal.agent.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * IDi or IDr payload (RFC 7296 §3.5). Address types must have their address's length; only ID_NULL (RFC 7619)
 * may be empty.
 */
public record IdentificationPayload(PayloadType kind, int idType, byte[] data) implements IkePayload {
    public static final int ID_IPV4_ADDR = 1;
    public static final int ID_FQDN = 2;
    public static final int ID_RFC822_ADDR = 3;
    public static final int ID_IPV6_ADDR = 5;
    public static final int ID_DER_ASN1_DN = 9;
    public static final int ID_DER_ASN1_GN = 10;
    public static final int ID_KEY_ID = 11;
    /** RFC 7619. */
    public static final int ID_NULL = 13;

    public IdentificationPayload {
        if (kind != PayloadType.IDI && kind != PayloadType.IDR) {
            throw new IllegalArgumentException("an identification payload is IDi or IDr, not " + kind);
        }
        if (idType < 0 || idType > 255) {
            throw new IllegalArgumentException("ID type is an octet");
        }
    }

    public static IdentificationPayload fqdn(PayloadType kind, String name) {
        return new IdentificationPayload(kind, ID_FQDN, name.getBytes(StandardCharsets.US_ASCII));
    }

    public static IdentificationPayload address(PayloadType kind, InetAddress a) {
        return new IdentificationPayload(
                kind, a.getAddress().length == 4 ? ID_IPV4_ADDR : ID_IPV6_ADDR, a.getAddress());
    }

    /**
     * The ID payload's body from ID Type on, as AUTH signs it: RestOfInitIDPayload / RestOfRespIDPayload
     * (RFC 7296 §2.15).
     */
    public byte[] restOfPayload() {
        WireWriter w = new WireWriter(bodyLength());
        writeBody(w);
        return w.array();
    }

    public InetAddress address() {
        if (idType != ID_IPV4_ADDR && idType != ID_IPV6_ADDR) {
            throw new IllegalStateException("ID type " + idType + " is not an address");
        }
        try {
            return InetAddress.getByAddress(data);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // lengths were checked on decode
        }
    }

    @Override
    public int typeCode() {
        return kind.code();
    }

    @Override
    public int bodyLength() {
        return 4 + data.length;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.u8(idType).u8(0).u16(0).bytes(data);
    }

    static IdentificationPayload decode(PayloadType kind, WireReader r) throws MalformedMessageException {
        int type = r.u8();
        r.skip(3);
        byte[] data = r.rest();
        int want = switch (type) {
            case ID_IPV4_ADDR -> 4;
            case ID_IPV6_ADDR -> 16;
            case ID_NULL -> 0;
            default -> -1;
        };
        if (want >= 0 ? data.length != want : data.length == 0) {
            throw MalformedMessageException.syntax(
                    kind.rfcName() + ": ID type " + type + " with " + data.length + " octets");
        }
        return new IdentificationPayload(kind, type, data);
    }
}
