package io.ikeseal.agent.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Notify payload (RFC 7296 §3.10). The data of the types whose data we interpret is checked on decode, so a
 * malformed NAT_DETECTION, COOKIE or REDIRECT never reaches the exchanges; the typed accessors below read it.
 */
public record NotifyPayload(int protocolId, byte[] spi, int notifyType, byte[] data) implements IkePayload {
    /** NAT_DETECTION_*_IP data is a SHA-1 hash (§2.23). */
    public static final int NAT_DETECTION_LENGTH = 20;
    /** §2.6: a cookie is 1 to 64 octets. */
    public static final int MAX_COOKIE_LENGTH = 64;

    public NotifyPayload {
        if (protocolId < 0 || protocolId > 255 || spi.length > 255 || notifyType < 0 || notifyType > 0xffff) {
            throw new IllegalArgumentException("protocol and SPI size are octets, type two octets");
        }
    }

    /** A notification about no particular SA. */
    public static NotifyPayload of(int notifyType, byte[] data) {
        return new NotifyPayload(ProtocolId.NONE, new byte[0], notifyType, data);
    }

    public static NotifyPayload of(int notifyType) {
        return of(notifyType, new byte[0]);
    }

    /** INVALID_KE_PAYLOAD carrying the group the responder accepts (§1.2, §3.10.1). */
    public static NotifyPayload invalidKe(int group) {
        return of(NotifyType.INVALID_KE_PAYLOAD, new byte[] {(byte) (group >>> 8), (byte) group});
    }

    /** SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4) listing 16-bit hash algorithm identifiers. */
    public static NotifyPayload signatureHashAlgorithms(List<Integer> hashes) {
        byte[] d = new byte[hashes.size() * 2];
        for (int i = 0; i < hashes.size(); i++) {
            d[2 * i] = (byte) (hashes.get(i) >>> 8);
            d[2 * i + 1] = hashes.get(i).byteValue();
        }
        return of(NotifyType.SIGNATURE_HASH_ALGORITHMS, d);
    }

    public boolean isError() {
        return NotifyType.isError(notifyType);
    }

    /** The group an INVALID_KE_PAYLOAD asks for. */
    public int invalidKeGroup() {
        expect(NotifyType.INVALID_KE_PAYLOAD);
        return u16(0);
    }

    /** The hash algorithm identifiers of SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4), in the peer's order. */
    public List<Integer> signatureHashAlgorithmIds() {
        expect(NotifyType.SIGNATURE_HASH_ALGORITHMS);
        List<Integer> out = new ArrayList<>(data.length / 2);
        for (int i = 0; i < data.length; i += 2) {
            out.add(u16(i));
        }
        return out;
    }

    /** The payload type named by UNSUPPORTED_CRITICAL_PAYLOAD. */
    public int unsupportedPayloadType() {
        expect(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD);
        return data[0] & 0xff;
    }

    /** The new gateway of REDIRECT, or the original one of REDIRECTED_FROM (RFC 5685 §8). */
    public RedirectGateway redirectGateway() {
        if (notifyType != NotifyType.REDIRECT && notifyType != NotifyType.REDIRECTED_FROM) {
            throw new IllegalStateException(NotifyType.name(notifyType) + " names no gateway");
        }
        try {
            return RedirectGateway.read(new WireReader(data), notifyType == NotifyType.REDIRECT);
        } catch (MalformedMessageException e) {
            throw new IllegalStateException(e); // checked on decode
        }
    }

    private void expect(int type) {
        if (notifyType != type) {
            throw new IllegalStateException("not " + NotifyType.name(type) + " but " + NotifyType.name(notifyType));
        }
    }

    private int u16(int i) {
        return ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
    }

    @Override
    public int typeCode() {
        return PayloadType.NOTIFY.code();
    }

    @Override
    public int bodyLength() {
        return 4 + spi.length + data.length;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.u8(protocolId).u8(spi.length).u16(notifyType).bytes(spi).bytes(data);
    }

    static NotifyPayload decode(WireReader r) throws MalformedMessageException {
        int protocol = r.u8();
        int spiSize = r.u8();
        int type = r.u16();
        if (spiSize > r.remaining()) {
            throw MalformedMessageException.length("N(" + NotifyType.name(type) + "): SPI size " + spiSize + " with "
                    + r.remaining() + " octets left");
        }
        byte[] spi = r.bytes(spiSize);
        byte[] data = r.rest();
        checkData(type, data);
        return new NotifyPayload(protocol, spi, type, data);
    }

    /** Length and format rules for the data of the types we interpret. */
    private static void checkData(int type, byte[] data) throws MalformedMessageException {
        boolean ok = switch (type) {
            case NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD -> data.length == 1;
            case NotifyType.INVALID_KE_PAYLOAD -> data.length == 2;
            case NotifyType.INVALID_MESSAGE_ID, NotifyType.SET_WINDOW_SIZE, NotifyType.AUTH_LIFETIME ->
                data.length == 4;
            case NotifyType.NAT_DETECTION_SOURCE_IP, NotifyType.NAT_DETECTION_DESTINATION_IP ->
                data.length == NAT_DETECTION_LENGTH;
            case NotifyType.COOKIE -> data.length >= 1 && data.length <= MAX_COOKIE_LENGTH;
            case NotifyType.SIGNATURE_HASH_ALGORITHMS -> data.length >= 2 && data.length % 2 == 0;
            case NotifyType.IKEV2_FRAGMENTATION_SUPPORTED -> data.length == 0; // RFC 7383 §2.3
            case NotifyType.ADDITIONAL_IP4_ADDRESS -> data.length == 4;
            case NotifyType.ADDITIONAL_IP6_ADDRESS -> data.length == 16;
            case NotifyType.REDIRECT, NotifyType.REDIRECTED_FROM -> {
                WireReader r = new WireReader(data);
                RedirectGateway.read(r, type == NotifyType.REDIRECT);
                yield true;
            }
            default -> true;
        };
        if (!ok) {
            throw MalformedMessageException.syntax(
                    "N(" + NotifyType.name(type) + "): " + data.length + " octets of data");
        }
    }
}
