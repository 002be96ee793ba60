package io.ikeseal.agent.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * A proposal substructure (RFC 7296 §3.3.1): a protocol, an SPI and the transforms ANDed together.
 *
 * @param number     Proposal Num, 1..255
 * @param protocolId {@link ProtocolId}
 * @param spi        empty for the first IKE SA, 8 octets for a rekeyed IKE SA, 4 for ESP and AH
 */
public record Proposal(int number, int protocolId, byte[] spi, List<Transform> transforms) {
    static final int HEADER_LENGTH = 8;
    private static final int LAST = 0;
    private static final int MORE = 2;

    public Proposal {
        transforms = List.copyOf(transforms);
        if (number < 1 || number > 255 || protocolId < 0 || protocolId > 255) {
            throw new IllegalArgumentException("proposal number 1..255 and protocol 0..255");
        }
        if (spi.length > 255 || transforms.size() > 255) {
            throw new IllegalArgumentException("SPI size and transform count are octets");
        }
    }

    int length() {
        int n = HEADER_LENGTH + spi.length;
        for (Transform t : transforms) {
            n += t.length();
        }
        return n;
    }

    void write(WireWriter w, boolean last) {
        w.u8(last ? LAST : MORE)
                .u8(0)
                .u16(length())
                .u8(number)
                .u8(protocolId)
                .u8(spi.length)
                .u8(transforms.size())
                .bytes(spi);
        for (int i = 0; i < transforms.size(); i++) {
            transforms.get(i).write(w, i == transforms.size() - 1);
        }
    }

    /** A decoded proposal and whether its Last Substruc field said it was the last. */
    record Read(Proposal proposal, boolean lastSubstructure) {}

    static Read read(WireReader in) throws MalformedMessageException {
        int lastSubstruc = in.u8();
        in.skip(1);
        int length = in.u16();
        if (lastSubstruc != LAST && lastSubstruc != MORE) {
            throw MalformedMessageException.syntax("proposal: Last Substruc must be 0 or 2, was " + lastSubstruc);
        }
        if (length < HEADER_LENGTH || length - 4 > in.remaining()) {
            throw MalformedMessageException.length(
                    "proposal length " + length + " with " + (in.remaining() + 4) + " octets left");
        }
        WireReader r = in.slice(length - 4);
        int number = r.u8();
        int protocol = r.u8();
        int spiSize = r.u8();
        int count = r.u8();
        if (number == 0) {
            throw MalformedMessageException.syntax("proposal number 0");
        }
        checkSpiSize(protocol, spiSize);
        byte[] spi = r.bytes(spiSize);
        List<Transform> transforms = new ArrayList<>(count);
        boolean last = count == 0;
        while (!last) {
            if (r.remaining() == 0) {
                throw MalformedMessageException.syntax("proposal " + number + ": transform " + (transforms.size() + 1)
                        + " announced but the proposal ends");
            }
            Transform.Read t = Transform.read(r);
            transforms.add(t.transform());
            last = t.lastSubstructure();
            if (transforms.size() > count || (last && transforms.size() != count)) {
                throw MalformedMessageException.syntax("proposal " + number + " says " + count + " transforms, holds "
                        + (last ? transforms.size() : "more"));
            }
        }
        r.expectEnd("proposal " + number);
        return new Read(new Proposal(number, protocol, spi, transforms), lastSubstruc == LAST);
    }

    private static void checkSpiSize(int protocol, int spiSize) throws MalformedMessageException {
        boolean ok = switch (protocol) {
            case ProtocolId.IKE -> spiSize == 0 || spiSize == 8;
            case ProtocolId.AH, ProtocolId.ESP -> spiSize == 4;
            default -> true; // unknown protocol: the proposal is unacceptable, not malformed (§3.3.6)
        };
        if (!ok) {
            throw MalformedMessageException.syntax(
                    "proposal: SPI size " + spiSize + " for " + ProtocolId.name(protocol));
        }
    }
}
