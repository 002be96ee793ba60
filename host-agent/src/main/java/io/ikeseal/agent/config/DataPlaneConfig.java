package io.ikeseal.agent.config;

import java.util.Locale;

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

    public DataPlaneConfig withMode(Mode m) {
        return new DataPlaneConfig(m, tunName, mtu, replayWindow, queues);
    }

    public boolean carriesTraffic() {
        return mode == Mode.USERSPACE;
    }
}
