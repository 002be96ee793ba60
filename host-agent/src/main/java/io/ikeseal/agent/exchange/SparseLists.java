package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.List;

/**
 * Small lists held in a field that is null while they are empty: an idle established SA then keeps no empty
 * collections (tens of thousands of SAs, each with a few, cost ~250 octets an SA). Not thread-safe, like the SA.
 */
final class SparseLists {
    private SparseLists() {}

    /** {@code list} with {@code e} appended, created if null; assign the result back. */
    static <T> List<T> add(List<T> list, T e) {
        List<T> l = list == null ? new ArrayList<>(2) : list;
        l.add(e);
        return l;
    }

    /** {@code list} without (the first) {@code e}, or null once it is empty; assign the result back. */
    static <T> List<T> remove(List<T> list, Object e) {
        if (list == null || (list.remove(e) && list.isEmpty())) {
            return null;
        }
        return list;
    }

    static boolean contains(List<?> list, Object e) {
        return list != null && list.contains(e);
    }

    static int size(List<?> list) {
        return list == null ? 0 : list.size();
    }
}
