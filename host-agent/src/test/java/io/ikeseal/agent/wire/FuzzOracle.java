package io.ikeseal.agent.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

/**
 * What the fuzz targets demand of whatever the decoder accepted: it encodes, every octet accounted for, and the
 * encoding decodes and encodes again to the same octets. One loss is by design: selectors of unknown TS Types are
 * skipped on decode (RFC 7296 §2.9), so a TSi or TSr that held some encodes shorter, and one that held nothing else
 * cannot be encoded at all.
 */
public final class FuzzOracle {
    private FuzzOracle() {}

    /**
     * Decodes a datagram as the transport does: null when it is refused with {@link MalformedMessageException}, the
     * only refusal allowed; an accepted message must pass {@link #assertRoundTrip}.
     */
    public static IkeMessage decode(byte[] datagram) {
        IkeMessage message;
        try {
            message = IkeMessageCodec.decode(datagram);
        } catch (MalformedMessageException refused) {
            return null;
        }
        assertRoundTrip(message, datagram.length);
        return message;
    }

    /** For a message decoded from {@code decodedLength} octets. */
    public static void assertRoundTrip(IkeMessage decoded, int decodedLength) {
        if (!encodable(decoded.payloads())) {
            return;
        }
        byte[] once = decoded.encode();
        assertLength(decoded.payloads(), decodedLength, once);
        IkeMessage again;
        try {
            again = IkeMessageCodec.decode(once);
        } catch (MalformedMessageException e) {
            throw new AssertionError("the encoding of an accepted message is refused: " + e.getMessage(), e);
        }
        assertArrayEquals(once, again.encode(), "decode(encode(m)) does not encode to the same octets");
    }

    /** For an SK payload's inner chain, decoded from {@code decodedLength} octets (-1: not known). */
    public static void assertInnerRoundTrip(List<IkePayload> decoded, int decodedLength) {
        if (!encodable(decoded)) {
            return;
        }
        byte[] once = PayloadChain.encode(decoded);
        assertLength(decoded, decodedLength, once);
        List<IkePayload> again;
        try {
            again = PayloadChain.decode(
                    PayloadChain.firstType(decoded), new WireReader(once), DecodeLimits.DEFAULT, true);
        } catch (MalformedMessageException e) {
            throw new AssertionError("the encoding of an accepted inner chain is refused: " + e.getMessage(), e);
        }
        assertArrayEquals(once, PayloadChain.encode(again), "the inner chain does not encode to the same octets");
    }

    private static void assertLength(List<IkePayload> decoded, int decodedLength, byte[] encoded) {
        // Reserved bits are dropped on encoding, octets never, but for skipped traffic selectors.
        boolean skipped =
                decoded.stream().anyMatch(p -> p instanceof TrafficSelectorPayload ts && ts.unknownSelectors() > 0);
        if (decodedLength >= 0 && !skipped) {
            assertEquals(decodedLength, encoded.length, "re-encoding changed the length");
        }
    }

    private static boolean encodable(List<IkePayload> decoded) {
        return decoded.stream()
                .noneMatch(p ->
                        p instanceof TrafficSelectorPayload ts && ts.selectors().isEmpty());
    }
}
