package io.ikeseal.agent.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * TSi or TSr payload (RFC 7296 §3.13): one or more traffic selectors, ORed. Selectors of a TS Type other than the
 * two address ranges are skipped on decode and only counted: "If the type of Traffic Selector proposed is unknown,
 * the responder ignores that Traffic Selector, so that the unknown type is not returned in the narrowed set"
 * (§2.9). Such a payload may hold no selector we know; it cannot be encoded.
 *
 * @param unknownSelectors how many selectors of unknown TS Types the peer sent (decode only)
 */
public record TrafficSelectorPayload(PayloadType kind, List<TrafficSelector> selectors, int unknownSelectors)
        implements IkePayload {
    /** Number of TSs is one octet. */
    public static final int MAX_SELECTORS = 255;

    public TrafficSelectorPayload {
        selectors = List.copyOf(selectors);
        if (kind != PayloadType.TSI && kind != PayloadType.TSR) {
            throw new IllegalArgumentException("a traffic selector payload is TSi or TSr, not " + kind);
        }
        int total = selectors.size() + unknownSelectors;
        if (unknownSelectors < 0 || total == 0 || total > MAX_SELECTORS) {
            throw new IllegalArgumentException("1.." + MAX_SELECTORS + " selectors");
        }
    }

    /** A payload to send: 1..255 selectors of known types. */
    public TrafficSelectorPayload(PayloadType kind, List<TrafficSelector> selectors) {
        this(kind, selectors, 0);
    }

    @Override
    public int typeCode() {
        return kind.code();
    }

    @Override
    public int bodyLength() {
        requireKnownSelectors();
        int n = 4;
        for (TrafficSelector s : selectors) {
            n += s.length();
        }
        return n;
    }

    @Override
    public void writeBody(WireWriter w) {
        requireKnownSelectors();
        w.u8(selectors.size()).u8(0).u16(0);
        for (TrafficSelector s : selectors) {
            s.write(w);
        }
    }

    private void requireKnownSelectors() {
        if (selectors.isEmpty()) {
            throw new IllegalStateException(kind.rfcName() + " of unknown TS types only cannot be encoded");
        }
    }

    static TrafficSelectorPayload decode(PayloadType kind, WireReader r) throws MalformedMessageException {
        int count = r.u8();
        r.skip(3);
        if (count == 0) {
            throw MalformedMessageException.syntax(kind.rfcName() + ": no traffic selectors");
        }
        List<TrafficSelector> selectors = new ArrayList<>(count);
        int unknown = 0;
        for (int i = 0; i < count; i++) {
            TrafficSelector s = TrafficSelector.read(r);
            if (s != null) {
                selectors.add(s);
            } else {
                unknown++;
            }
        }
        r.expectEnd(kind.rfcName() + " with " + count + " selectors");
        return new TrafficSelectorPayload(kind, selectors, unknown);
    }
}
