package io.ikeseal.agent.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where CHILD_SAs go (the {@code data-plane:} key). {@link Mode#NONE} records them only; {@link Mode#USERSPACE}
 * carries their traffic: ESP in UDP (RFC 4303, RFC 3948) on the NAT-T socket, IP packets through a TUN device
 * (docs/data-plane.md).
 *
 * @param mode         none or userspace
 * @param tunName      the TUN device's name (at most 15 octets, Linux IFNAMSIZ - 1)
 * @param mtu          the TUN device's MTU: inner packets up to this size fit one ESP-in-UDP datagram
 * @param replayWindow anti-replay window in packets (RFC 4303 §3.4.3); 0 turns the check off
 * @param queues       TUN queues (IFF_MULTI_QUEUE), one reader thread each
 */
public record DataPlaneConfig(Mode mode, String tunName, int mtu, int replayWindow, int queues) {

    public enum Mode {
        NONE,
        USERSPACE;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final DataPlaneConfig NONE = new DataPlaneConfig(Mode.NONE, "ikeseal0", 1400, 1024, 1);

    public DataPlaneConfig {
        if (mode == null || tunName == null) {
            throw new IllegalArgumentException("a data plane needs a mode and a TUN name");
        }
        if (tunName.isEmpty() || tunName.length() > 15 || !tunName.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("TUN name must be 1-15 letters, digits, '_', '.' or '-'");
        }
        if (mtu < 576 || mtu > 9000) {
            throw new IllegalArgumentException("mtu must be 576..9000");
        }
        if (replayWindow < 0 || replayWindow > 65_536 || replayWindow % 32 != 0) {
            throw new IllegalArgumentException("replay-window must be 0..65536, a multiple of 32");
        }
        if (queues < 1 || queues > 16) {
            throw new IllegalArgumentException("queues must be 1..16");
        }
    }

    private static final List<String> KEYS = List.of("mode", "tun", "mtu", "replay-window", "queues");

    /**
     * The {@code data-plane:} key: absent (none), a mode ({@code userspace} or {@code none}), or a mapping with
     * {@code mode}, {@code tun}, {@code mtu}, {@code replay-window} and {@code queues}.
     */
    static DataPlaneConfig from(Object raw, ConfigSource src) {
        if (raw == null) {
            return NONE;
        }
        if (raw instanceof String mode) {
            return NONE.withMode(mode(src, "data-plane", mode));
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw src.error(
                    "data-plane", "must be userspace, none, or a mapping (mode, tun, mtu, replay-window, queues)");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        map.forEach((k, v) -> m.put(String.valueOf(k), v));
        for (String k : m.keySet()) {
            if (!KEYS.contains(k)) {
                throw src.error("data-plane." + k, "unknown key (known: " + String.join(", ", KEYS) + ")");
            }
        }
        Mode mode = m.get("mode") == null ? Mode.USERSPACE : mode(src, "data-plane.mode", text(src, "mode", m));
        String tun = m.get("tun") == null ? NONE.tunName : text(src, "tun", m);
        int mtu = number(src, "mtu", m, NONE.mtu);
        int window = number(src, "replay-window", m, NONE.replayWindow);
        int queues = number(src, "queues", m, NONE.queues);
        if (tun.isEmpty() || tun.length() > 15 || !tun.matches("[A-Za-z0-9_.-]+")) {
            throw src.error(
                    "data-plane.tun", "a device name of 1-15 letters, digits, '_', '.' or '-', was '" + tun + "'");
        }
        if (mtu < 576 || mtu > 9000) {
            throw src.error("data-plane.mtu", "must be 576..9000, was " + mtu);
        }
        if (window < 0 || window > 65_536 || window % 32 != 0) {
            throw src.error("data-plane.replay-window", "must be a multiple of 32 in 0..65536 (0: off), was " + window);
        }
        if (queues < 1 || queues > 16) {
            throw src.error("data-plane.queues", "must be 1..16, was " + queues);
        }
        return new DataPlaneConfig(mode, tun, mtu, window, queues);
    }

    private static Mode mode(ConfigSource src, String at, String text) {
        for (Mode m : Mode.values()) {
            if (m.configName().equals(text)) {
                return m;
            }
        }
        throw src.error(at, "must be userspace or none, was '" + text + "'");
    }

    private static String text(ConfigSource src, String key, Map<String, Object> m) {
        if (!(m.get(key) instanceof String s)) {
            throw src.error("data-plane." + key, "must be text");
        }
        return s;
    }

    private static int number(ConfigSource src, String key, Map<String, Object> m, int dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Integer i)) {
            throw src.error("data-plane." + key, "must be a whole number, was '" + v + "'");
        }
        return i;
    }

    public DataPlaneConfig withMode(Mode m) {
        return new DataPlaneConfig(m, tunName, mtu, replayWindow, queues);
    }

    public boolean carriesTraffic() {
        return mode == Mode.USERSPACE;
    }
}
