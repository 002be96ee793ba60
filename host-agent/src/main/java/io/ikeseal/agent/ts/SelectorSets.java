package io.ikeseal.agent.ts;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.TrafficSelector;
import io.ikeseal.agent.wire.TrafficSelectorPayload;

/**
 * Sets of traffic selectors. A TS payload's selectors are ORed (RFC 7296 §3.13): the set is their union, so "a
 * subset of what was proposed" means a subset of the union, not of one selector.
 */
public final class SelectorSets {
    /** Work (pieces cut) one coverage test may do when the covering set is our own configuration or proposal. */
    static final long LARGE_BUDGET = 1 << 20;
    /**
     * Work a whole check may do when the covering set came from the peer, who could otherwise make it cut
     * selectors into millions of pieces. Used only where "undecided" may safely count as "not covered".
     */
    static final long PEER_BUDGET = 1 << 16;

    /** Whether a set covers a selector: yes, no, or not decided within the budget. */
    enum Coverage {
        YES,
        NO,
        UNDECIDED
    }

    /** Work left for coverage tests, shared by all the tests of one check. */
    static final class Budget {
        private long left;

        Budget(long pieces) {
            left = pieces;
        }

        boolean spend(long pieces) {
            left -= pieces;
            return left >= 0;
        }

        long left() {
            return left;
        }
    }

    private SelectorSets() {}

    /**
     * The traffic both sets match: every pairwise intersection, {@linkplain #normalize normalized}. Selectors that
     * come from earlier selectors of {@code a} (then of {@code b}) come first.
     */
    public static List<Selector> intersect(List<Selector> a, List<Selector> b) {
        List<Selector> out = new ArrayList<>();
        for (Selector x : a) {
            for (Selector y : b) {
                x.intersect(y).ifPresent(out::add);
            }
        }
        return normalize(out);
    }

    /** Whether every packet {@code s} matches is matched by some selector of {@code set}. */
    public static boolean covers(List<Selector> set, Selector s) {
        // Undecided only when cutting s takes more than LARGE_BUDGET pieces, which a set of a few dozen selectors
        // (our configuration, our proposal) cannot need; counting it as "not covered" errs on the safe side.
        return covers(set, s, new Budget(LARGE_BUDGET)) == Coverage.YES;
    }

    /** Whether {@code set} covers every selector of {@code subset}. */
    public static boolean covers(List<Selector> set, List<Selector> subset) {
        for (Selector s : subset) {
            if (!covers(set, s)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Subtracts each selector of {@code set} from {@code s}; s is covered when nothing is left. Each subtraction cuts
     * a piece into at most six; every piece made is charged to {@code budget}.
     */
    static Coverage covers(List<Selector> set, Selector s, Budget budget) {
        Box target = Box.of(s);
        List<Box> cutters = new ArrayList<>();
        for (Selector c : set) {
            Box b = Box.of(c);
            if (b.contains(target)) {
                return Coverage.YES;
            }
            if (b.intersect(target) != null) {
                cutters.add(b);
            }
        }
        List<Box> left = List.of(target);
        for (Box c : cutters) {
            List<Box> next = new ArrayList<>(left.size());
            for (Box piece : left) {
                next.addAll(piece.minus(c));
            }
            if (next.isEmpty()) {
                return Coverage.YES;
            }
            if (!budget.spend(next.size())) {
                return Coverage.UNDECIDED;
            }
            left = next;
        }
        return left.isEmpty() ? Coverage.YES : Coverage.NO;
    }

    /** Whether {@code set} certainly covers all of {@code subset} within {@code budget}. */
    static boolean coversAll(List<Selector> set, List<Selector> subset, Budget budget) {
        for (Selector s : subset) {
            if (covers(set, s, budget) != Coverage.YES) {
                return false;
            }
        }
        return true;
    }

    /** Whether both sets match the same traffic. */
    public static boolean sameTraffic(List<Selector> a, List<Selector> b) {
        return covers(a, b) && covers(b, a);
    }

    /**
     * The same traffic in as few selectors as this finds: duplicates and selectors inside another are dropped,
     * selectors that differ only in an address range that overlaps or touches the other's are joined (10.0.0.0/25
     * and 10.0.0.128/25 become 10.0.0.0/24), and so are those that differ only in touching port ranges, when a
     * selector can express the result (0-100 and 101-65535 stay apart: 0-65535 would add OPAQUE). The order follows
     * the first member of each result.
     */
    public static List<Selector> normalize(List<Selector> in) {
        List<Entry> work = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            work.add(new Entry(Box.of(in.get(i)), i));
        }
        while (true) {
            int before = work.size();
            work = dropContained(work);
            work = join(
                    work,
                    e -> List.of(
                            e.box.family(),
                            e.box.protocolLow(),
                            e.box.protocolHigh(),
                            e.box.portLow(),
                            e.box.portHigh()),
                    Comparator.comparing(e -> e.box.addressLow()));
            work = join(
                    work,
                    e -> List.of(
                            e.box.family(),
                            e.box.addressLow(),
                            e.box.addressHigh(),
                            e.box.protocolLow(),
                            e.box.protocolHigh()),
                    Comparator.comparingInt(e -> e.box.portLow()));
            if (work.size() == before) {
                break; // every round that changes something removes an entry, so this ends
            }
        }
        work.sort(Comparator.comparingInt(e -> e.order));
        List<Selector> out = new ArrayList<>(work.size());
        for (Entry e : work) {
            out.add(e.box.toSelector());
        }
        return List.copyOf(out);
    }

    private record Entry(Box box, int order) {}

    /**
     * Drops entries inside another one (of equal entries the first stays). A kept entry takes the earliest position
     * of those it swallowed, so the result keeps the input's order of preference.
     */
    private static List<Entry> dropContained(List<Entry> in) {
        int n = in.size();
        int[] container = new int[n];
        for (int i = 0; i < n; i++) {
            container[i] = -1;
            Box b = in.get(i).box;
            for (int j = 0; j < n; j++) {
                Box o = in.get(j).box;
                if (j != i && o.contains(b) && (j < i || !o.equals(b))) {
                    container[i] = j;
                    break;
                }
            }
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = in.get(i).order;
        }
        for (int i = 0; i < n; i++) {
            int root = i;
            while (container[root] >= 0) { // "contains, the first of equals" is a strict order: no cycles
                root = container[root];
            }
            order[root] = Math.min(order[root], in.get(i).order);
        }
        List<Entry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (container[i] < 0) {
                out.add(new Entry(in.get(i).box, order[i]));
            }
        }
        return out;
    }

    /** Joins entries that agree on {@code key} and whose remaining interval, sorted by {@code low}, touch. */
    private static List<Entry> join(List<Entry> in, Function<Entry, List<Object>> key, Comparator<Entry> low) {
        Map<List<Object>, List<Entry>> groups = new LinkedHashMap<>();
        for (Entry e : in) {
            groups.computeIfAbsent(key.apply(e), k -> new ArrayList<>()).add(e);
        }
        List<Entry> out = new ArrayList<>(in.size());
        for (List<Entry> g : groups.values()) {
            g.sort(low);
            Deque<Entry> stack = new ArrayDeque<>();
            for (Entry e : g) {
                Entry top = stack.peekLast();
                Box u = top == null ? null : top.box.union(e.box);
                if (u != null && u.toSelector() != null) {
                    stack.pollLast();
                    stack.addLast(new Entry(u, Math.min(top.order, e.order)));
                } else {
                    stack.addLast(e);
                }
            }
            out.addAll(stack);
        }
        return out;
    }

    /** The families that occur in a set. */
    public static Set<AddressFamily> families(List<Selector> set) {
        Set<AddressFamily> out = EnumSet.noneOf(AddressFamily.class);
        for (Selector s : set) {
            out.add(s.family());
        }
        return out;
    }

    /** The families that occur in both sets: the only ones a TSi/TSr pair of them can carry. */
    public static Set<AddressFamily> commonFamilies(List<Selector> a, List<Selector> b) {
        Set<AddressFamily> f = families(a);
        f.retainAll(families(b));
        return f;
    }

    /** The selectors of the given families. */
    public static List<Selector> ofFamilies(List<Selector> set, Set<AddressFamily> families) {
        return set.stream().filter(s -> families.contains(s.family())).toList();
    }

    /** The selectors of a decoded TSi or TSr payload (the decoder admits only the two address-range types). */
    public static List<Selector> fromPayload(TrafficSelectorPayload payload) {
        List<Selector> out = new ArrayList<>(payload.selectors().size());
        for (TrafficSelector ts : payload.selectors()) {
            out.add(Selector.fromWire(ts));
        }
        return List.copyOf(out);
    }

    /** A TSi or TSr payload of 1..255 selectors. */
    public static TrafficSelectorPayload toPayload(PayloadType kind, List<Selector> selectors) {
        return new TrafficSelectorPayload(
                kind, selectors.stream().map(Selector::toWire).toList());
    }

    /** The selectors in notation, comma-separated. */
    public static String format(List<Selector> set) {
        return SelectorNotation.join(set);
    }
}
