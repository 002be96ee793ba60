package io.ikeseal.agent.dataplane;

import java.util.ArrayList;
import java.util.List;

/**
 * The outbound SPD (RFC 4301 §4.4.1): policies in the order they are searched, newest SA first, so that a rekeyed
 * CHILD_SA takes over its predecessor's traffic the moment it is installed while the old SA still opens what is in
 * flight (RFC 7296 §2.8). Readers search a published array without locks; changes copy it.
 */
final class Spd<T> {
    private static final SpdPolicy<?>[] EMPTY = new SpdPolicy<?>[0];

    private volatile SpdPolicy<?>[] policies = EMPTY;

    /** Puts {@code added} in front of every policy there is. */
    synchronized void addFirst(List<SpdPolicy<T>> added) {
        SpdPolicy<?>[] old = policies;
        SpdPolicy<?>[] next = new SpdPolicy<?>[old.length + added.size()];
        for (int i = 0; i < added.size(); i++) {
            next[i] = added.get(i);
        }
        System.arraycopy(old, 0, next, added.size(), old.length);
        policies = next;
    }

    /** Removes every policy of {@code target}. */
    synchronized void remove(T target) {
        List<SpdPolicy<?>> kept = new ArrayList<>();
        for (SpdPolicy<?> p : policies) {
            if (p.target() != target) {
                kept.add(p);
            }
        }
        policies = kept.toArray(EMPTY);
    }

    synchronized void clear() {
        policies = EMPTY;
    }

    /** The target of the first policy that admits the packet outbound, or null. */
    @SuppressWarnings("unchecked") // only addFirst writes the array, with SpdPolicy<T>
    T lookup(InnerPacket packet) {
        for (SpdPolicy<?> p : policies) {
            if (p.admitsOutbound(packet)) {
                return (T) p.target();
            }
        }
        return null;
    }

    int size() {
        return policies.length;
    }
}
