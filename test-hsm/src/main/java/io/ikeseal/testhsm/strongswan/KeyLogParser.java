package io.ikeseal.testhsm.strongswan;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds derived keys in a charon log (filelog with {@code ike_name = yes}, ike/chd at level 4,
 * mgr at level 2). Lines look like
 * <pre>
 * 11:48:02.123 16[IKE] &lt;gw|1&gt; Sk_ei secret =&gt; 36 bytes @ 0x55be588f1340
 * 11:48:02.123 16[IKE] &lt;gw|1&gt;    0: CB CE 84 A2 8A 7D C6 C4 7A AF 5D EC 81 1C 84 BF  .....}..z.].....
 * 11:48:02.123 16[IKE] &lt;gw|1&gt;   16: 62 94 0E 20 E5 78 07 21 CA FF EE E3 CD 1B 1C 71  b.. .x.!.......q
 * 11:48:02.123 16[IKE] &lt;gw|1&gt;   32: 8B 60 FF 9D                                      .`..
 * 11:48:02.125 16[MGR] &lt;gw|1&gt; checkin IKEv2 SA gw[1] with SPIs b98fa53d93ebecdd_i e22f57351781a1e0_r
 * 11:48:02.130 12[CHD] &lt;gw|1&gt; encryption initiator key =&gt; 36 bytes @ 0x55be588e8d50
 * 11:48:02.131 12[IKE] &lt;gw|1&gt; CHILD_SA net{1} established with SPIs 80efe284_i 6afbf46f_o and TS ...
 * </pre>
 * Threads interleave, so dumps and pending keys are tracked per thread ("16"). The key lines
 * carry no SPIs: IKE keys belong to the next "checkin IKEv2 SA NAME[N] with SPIs" in their
 * thread whose responder SPI is set and whose context or SA is the keys' context (on a rekey the
 * new SA's keys are logged in the old SA's context by the initiator, in the new one's by the
 * responder). CHILD_SA keys belong to the next "[inbound ]CHILD_SA NAME{N} established with SPIs"
 * in their thread. A checkout in a thread starts over.
 */
final class KeyLogParser {
    private static final Pattern LINE =
            Pattern.compile("^(?:\\S+ )?(\\d+)\\[([A-Z]+)\\] (?:<(?:([^|>]*)\\|)?(\\d+)> )?(.*)$");
    private static final Pattern DUMP_HEADER = Pattern.compile("^(.+) => (\\d+) bytes @ \\S+$");
    private static final Pattern DUMP_ROW = Pattern.compile("^\\s*(\\d+): (.*)$");
    private static final Pattern CHECKIN =
            Pattern.compile("^checkin IKEv2 SA (.+)\\[(\\d+)\\] with SPIs ([0-9a-f]{16})_i ([0-9a-f]{16})_r$");
    private static final Pattern CHILD_ESTABLISHED = Pattern.compile(
            "^(?:inbound )?CHILD_SA (.+)\\{(\\d+)\\} established with SPIs ([0-9a-f]{8})_i ([0-9a-f]{8})_o\\b.*$");
    private static final String UNNAMED = "(unnamed)";

    private static final class Dump {
        final String group;
        final String label;
        final int context;
        final byte[] data;
        int filled;

        Dump(String group, String label, int context, int length) {
            this.group = group;
            this.label = label;
            this.context = context;
            this.data = new byte[length];
        }
    }

    private static final class Pending<K extends Enum<K>> {
        final int context;
        final Map<K, byte[]> keys;

        Pending(int context, Class<K> type) {
            this.context = context;
            this.keys = new EnumMap<>(type);
        }
    }

    private final Map<Integer, Dump> dumps = new HashMap<>();
    private final Map<Integer, Pending<IkeKey>> ike = new HashMap<>();
    private final Map<Integer, Pending<ChildKey>> child = new HashMap<>();
    private final Map<Integer, String> names = new HashMap<>();
    private final List<IkeSaKeys> ikeSas = new ArrayList<>();
    private final List<ChildSaKeys> childSas = new ArrayList<>();

    private KeyLogParser() {}

    static CharonKeys parse(String log) {
        KeyLogParser p = new KeyLogParser();
        log.lines().forEach(p::line);
        List<IkeSaKeys> named = p.ikeSas.stream()
                .map(k -> k.name().equals(UNNAMED) && p.names.containsKey(k.uniqueId())
                        ? new IkeSaKeys(
                                p.names.get(k.uniqueId()), k.uniqueId(), k.initiatorSpi(), k.responderSpi(), keysOf(k))
                        : k)
                .toList();
        return new CharonKeys(named, p.childSas);
    }

    private static Map<IkeKey, byte[]> keysOf(IkeSaKeys k) {
        Map<IkeKey, byte[]> m = new EnumMap<>(IkeKey.class);
        for (IkeKey key : IkeKey.values()) {
            if (k.has(key)) {
                m.put(key, k.get(key));
            }
        }
        return m;
    }

    private void line(String text) {
        Matcher l = LINE.matcher(text);
        if (!l.matches()) {
            return;
        }
        int thread = Integer.parseInt(l.group(1));
        String group = l.group(2);
        int context = l.group(4) == null ? -1 : Integer.parseInt(l.group(4));
        String msg = l.group(5);
        Dump dump = dumps.get(thread);
        if (dump != null) {
            if (row(dump, msg)) {
                if (dump.filled == dump.data.length) {
                    dumps.remove(thread);
                    finish(thread, dump);
                }
                return;
            }
            dumps.remove(thread); // a torn dump: forget it
        }
        Matcher h = DUMP_HEADER.matcher(msg);
        if (h.matches() && isKeyLabel(group, h.group(1))) {
            Dump d = new Dump(group, h.group(1), context, Integer.parseInt(h.group(2)));
            if (d.data.length == 0) {
                finish(thread, d);
            } else {
                dumps.put(thread, d);
            }
            return;
        }
        if (group.equals("MGR")) {
            manager(thread, context, msg);
        } else if (group.equals("IKE")) {
            Matcher c = CHILD_ESTABLISHED.matcher(msg);
            Pending<ChildKey> p = child.get(thread);
            if (c.matches() && p != null && p.keys.containsKey(ChildKey.ENCRYPTION_INITIATOR)) {
                child.remove(thread);
                childSas.add(new ChildSaKeys(
                        c.group(1),
                        Integer.parseInt(c.group(2)),
                        context,
                        (int) Long.parseLong(c.group(3), 16),
                        (int) Long.parseLong(c.group(4), 16),
                        p.keys));
            }
        }
    }

    private void manager(int thread, int context, String msg) {
        if (msg.startsWith("checkout") || msg.startsWith("created IKE_SA")) {
            ike.remove(thread);
            child.remove(thread);
            return;
        }
        Matcher c = CHECKIN.matcher(msg);
        if (!c.matches()) {
            return;
        }
        String name = c.group(1);
        int sa = Integer.parseInt(c.group(2));
        long spiI = Long.parseUnsignedLong(c.group(3), 16);
        long spiR = Long.parseUnsignedLong(c.group(4), 16);
        if (!name.equals(UNNAMED)) {
            names.put(sa, name);
        }
        Pending<IkeKey> p = ike.get(thread);
        if (p != null
                && spiR != 0
                && (p.context == context || p.context == sa)
                && p.keys.containsKey(IkeKey.SKEYSEED)) {
            ike.remove(thread);
            ikeSas.add(new IkeSaKeys(name, sa, spiI, spiR, p.keys));
        }
    }

    private static boolean isKeyLabel(String group, String label) {
        return (group.equals("IKE") && IkeKey.byLabel(label) != null)
                || (group.equals("CHD") && ChildKey.byLabel(label) != null);
    }

    /** Adds one row of a hex dump ("  16: 62 94 0E ...  ascii") if it is the next one. */
    private static boolean row(Dump d, String msg) {
        Matcher r = DUMP_ROW.matcher(msg);
        if (!r.matches() || Integer.parseInt(r.group(1)) != d.filled) {
            return false;
        }
        String hex = r.group(2);
        int n = Math.min(16, d.data.length - d.filled);
        if (hex.length() < 3 * n - 1) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            String pair = hex.substring(3 * i, 3 * i + 2);
            if (!HexFormat.isHexDigit(pair.charAt(0))
                    || !HexFormat.isHexDigit(pair.charAt(1))
                    || (i < n - 1 && hex.charAt(3 * i + 2) != ' ')) {
                return false;
            }
            d.data[d.filled + i] = (byte) HexFormat.fromHexDigits(pair);
        }
        d.filled += n;
        return true;
    }

    private void finish(int thread, Dump d) {
        if (d.group.equals("IKE")) {
            IkeKey k = IkeKey.byLabel(d.label);
            Pending<IkeKey> p = ike.get(thread);
            if (p == null || p.context != d.context || p.keys.containsKey(k)) {
                p = new Pending<>(d.context, IkeKey.class); // a new derivation
                ike.put(thread, p);
            }
            p.keys.put(k, d.data);
        } else {
            ChildKey k = ChildKey.byLabel(d.label);
            Pending<ChildKey> p = child.get(thread);
            if (p == null || p.context != d.context || p.keys.containsKey(k)) {
                p = new Pending<>(d.context, ChildKey.class);
                child.put(thread, p);
            }
            p.keys.put(k, d.data);
        }
    }
}
