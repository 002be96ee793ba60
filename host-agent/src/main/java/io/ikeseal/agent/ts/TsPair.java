package io.ikeseal.agent.ts;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.TrafficSelectorPayload;

/**
 * The TSi and TSr of one CHILD_SA (RFC 7296 §2.9): TSi the traffic at the initiator's end, TSr at the responder's.
 * The SA carries a packet when one selector of TSi and one of TSr match it, so only families that occur on both
 * sides carry anything.
 *
 * @param tsi 1..255 selectors, in order of preference (the first may be the packet that triggered the request)
 * @param tsr 1..255 selectors, likewise
 */
public record TsPair(List<Selector> tsi, List<Selector> tsr) {
    public TsPair {
        tsi = List.copyOf(tsi);
        tsr = List.copyOf(tsr);
        check("TSi", tsi);
        check("TSr", tsr);
    }

    private static void check(String what, List<Selector> s) {
        if (s.isEmpty() || s.size() > TrafficSelectorPayload.MAX_SELECTORS) {
            throw new IllegalArgumentException(
                    what + " needs 1.." + TrafficSelectorPayload.MAX_SELECTORS + " selectors, not " + s.size());
        }
    }

    /**
     * The pair a peer sent, its known selectors in order.
     *
     * @throws IllegalArgumentException when a payload holds only selectors of unknown TS types; the payload entry
     *                                  points of {@link Narrowing} and {@link InitiatorCheck} answer that case
     */
    public static TsPair fromPayloads(TrafficSelectorPayload tsi, TrafficSelectorPayload tsr) {
        return new TsPair(SelectorSets.fromPayload(tsi), SelectorSets.fromPayload(tsr));
    }

    public TrafficSelectorPayload tsiPayload() {
        return SelectorSets.toPayload(PayloadType.TSI, tsi);
    }

    public TrafficSelectorPayload tsrPayload() {
        return SelectorSets.toPayload(PayloadType.TSR, tsr);
    }

    /**
     * This proposal with the selectors of a triggering packet first, as §2.9 asks of an initiator that requests
     * the SA because of a packet ("a very specific Traffic Selector including the addresses in the packet").
     */
    public TsPair withFirst(Selector packetSource, Selector packetDestination) {
        List<Selector> i = new ArrayList<>(tsi.size() + 1);
        i.add(packetSource);
        i.addAll(tsi);
        List<Selector> r = new ArrayList<>(tsr.size() + 1);
        r.add(packetDestination);
        r.addAll(tsr);
        return new TsPair(i, r);
    }

    /** The address families on both sides: the only ones the SA can carry. */
    public Set<AddressFamily> commonFamilies() {
        return SelectorSets.commonFamilies(tsi, tsr);
    }

    /** This pair without selectors of families that occur on one side only; null when no family is left. */
    TsPair effective() {
        Set<AddressFamily> f = commonFamilies();
        if (f.isEmpty()) {
            return null;
        }
        return new TsPair(SelectorSets.ofFamilies(tsi, f), SelectorSets.ofFamilies(tsr, f));
    }

    @Override
    public String toString() {
        return "TSi " + SelectorSets.format(tsi) + " === TSr " + SelectorSets.format(tsr);
    }
}
