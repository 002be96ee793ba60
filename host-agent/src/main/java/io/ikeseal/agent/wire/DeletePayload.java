package io.ikeseal.agent.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Delete payload (RFC 7296 §3.11). Deleting the IKE SA names no SPI (SPI Size 0, no SPIs: they are in the header);
 * ESP and AH SAs are named by their 4-octet inbound SPIs.
 */
public record DeletePayload(int protocolId, List<byte[]> spis) implements IkePayload {

    public DeletePayload {
        spis = List.copyOf(spis);
        int size = spiSize(protocolId);
        if (protocolId == ProtocolId.IKE ? !spis.isEmpty() : size < 0 || spis.isEmpty() || spis.size() > 0xffff) {
            throw new IllegalArgumentException("Delete: IKE names no SPIs, ESP/AH at least one");
        }
        for (byte[] s : spis) {
            if (s.length != size) {
                throw new IllegalArgumentException(
                        "Delete: SPI of " + s.length + " octets for " + ProtocolId.name(protocolId));
            }
        }
    }

    public static DeletePayload ikeSa() {
        return new DeletePayload(ProtocolId.IKE, List.of());
    }

    private static int spiSize(int protocol) {
        return switch (protocol) {
            case ProtocolId.IKE -> 0;
            case ProtocolId.AH, ProtocolId.ESP -> 4;
            default -> -1;
        };
    }

    @Override
    public int typeCode() {
        return PayloadType.DELETE.code();
    }

    @Override
    public int bodyLength() {
        return 4 + spis.size() * spiSize(protocolId);
    }

    @Override
    public void writeBody(WireWriter w) {
        w.u8(protocolId).u8(spiSize(protocolId)).u16(spis.size());
        for (byte[] s : spis) {
            w.bytes(s);
        }
    }

    static DeletePayload decode(WireReader r) throws MalformedMessageException {
        int protocol = r.u8();
        int spiSize = r.u8();
        int count = r.u16();
        int want = spiSize(protocol);
        if (want < 0) {
            throw MalformedMessageException.syntax("D: protocol " + protocol);
        }
        if (spiSize != want || (protocol == ProtocolId.IKE) != (count == 0)) {
            throw MalformedMessageException.syntax(
                    "D: " + ProtocolId.name(protocol) + " with SPI size " + spiSize + " and " + count + " SPIs");
        }
        if (r.remaining() != count * spiSize) {
            throw MalformedMessageException.length(
                    "D: " + count + " SPIs of " + spiSize + " octets in " + r.remaining() + " octets");
        }
        List<byte[]> spis = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            spis.add(r.bytes(spiSize));
        }
        return new DeletePayload(protocol, spis);
    }
}
