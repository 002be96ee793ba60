package io.ikeseal.agent.dataplane;

import java.util.ArrayList;
import java.util.List;

/**
 * Inbound SAs by our SPI (RFC 4303 §3.4.2): an open-addressing table of int keys, read on the event loop without
 * locks or boxing; every change builds a new table and publishes it (changes come once per CHILD_SA, lookups once
 * per packet).
 */
final class SpiTable<T> {
    private record Table(int[] spis, Object[] values, int mask) {}

    private volatile Table table = new Table(new int[8], new Object[8], 7);

    /** The value for {@code spi}, or null. */
    @SuppressWarnings("unchecked") // only put writes values, with T
    T get(int spi) {
        Table t = table;
        int[] spis = t.spis();
        Object[] values = t.values();
        int mask = t.mask();
        for (int i = slot(spi, mask), probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            Object v = values[i];
            if (v == null) {
                return null;
            }
            if (spis[i] == spi) {
                return (T) v;
            }
        }
        return null;
    }

    /** Maps {@code spi} to {@code value}, replacing what was there. */
    synchronized void put(int spi, T value) {
        List<Object> entries = entries(spi);
        entries.add(spi);
        entries.add(value);
        publish(entries);
    }

    synchronized void remove(int spi) {
        publish(entries(spi));
    }

    synchronized void clear() {
        publish(List.of());
    }

    /** Every value, in no particular order. */
    @SuppressWarnings("unchecked") // only put writes values, with T
    synchronized List<T> values() {
        List<T> out = new ArrayList<>();
        for (Object v : table.values()) {
            if (v != null) {
                out.add((T) v);
            }
        }
        return out;
    }

    /** Alternating SPI and value of every entry but {@code except}'s. */
    private List<Object> entries(int except) {
        Table t = table;
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < t.values().length; i++) {
            if (t.values()[i] != null && t.spis()[i] != except) {
                out.add(t.spis()[i]);
                out.add(t.values()[i]);
            }
        }
        return out;
    }

    private void publish(List<Object> entries) {
        int size = entries.size() / 2;
        int capacity = Integer.highestOneBit(Math.max(8, size * 4)); // at most half full: short probes
        int[] spis = new int[capacity];
        Object[] values = new Object[capacity];
        int mask = capacity - 1;
        for (int e = 0; e < entries.size(); e += 2) {
            int spi = (Integer) entries.get(e);
            int i = slot(spi, mask);
            while (values[i] != null) {
                i = (i + 1) & mask;
            }
            spis[i] = spi;
            values[i] = entries.get(e + 1);
        }
        table = new Table(spis, values, mask);
    }

    /** SPIs are random (RFC 4303 §2.1) but a peer picks them: spread them anyway. */
    private static int slot(int spi, int mask) {
        int h = spi * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
