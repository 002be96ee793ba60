package io.ikeseal.agent.wire;

import java.util.ArrayList;
import java.util.List;

/** TSi or TSr payload (RFC 7296 §3.13): one or more traffic selectors, ORed. */
public record TrafficSelectorPayload(PayloadType kind, List<TrafficSelector> selectors) implements IkePayload {
    /** Number of TSs is one octet. */
    public static final int MAX_SELECTORS = 255;

    public TrafficSelectorPayload {
        selectors = List.copyOf(selectors);
        if (kind != PayloadType.TSI && kind != PayloadType.TSR) {
            throw new IllegalArgumentException("a traffic selector payload is TSi or TSr, not " + kind);
        }
        if (selectors.isEmpty() || selectors.size() > MAX_SELECTORS) {
            throw new IllegalArgumentException("1.." + MAX_SELECTORS + " selectors");
        }
    }

    @Override
    public int typeCode() {
        return kind.code();
    }

    @Override
    public int bodyLength() {
        int n = 4;
        for (TrafficSelector s : selectors) {
            n += s.length();
        }
        return n;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.u8(selectors.size()).u8(0).u16(0);
        for (TrafficSelector s : selectors) {
            s.write(w);
        }
    }

    static TrafficSelectorPayload decode(PayloadType kind, WireReader r) throws MalformedMessageException {
        int count = r.u8();
        r.skip(3);
        if (count == 0) {
            throw MalformedMessageException.syntax(kind.rfcName() + ": no traffic selectors");
        }
        List<TrafficSelector> selectors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            selectors.add(TrafficSelector.read(r));
        }
        r.expectEnd(kind.rfcName() + " with " + count + " selectors");
        return new TrafficSelectorPayload(kind, selectors);
    }
}
