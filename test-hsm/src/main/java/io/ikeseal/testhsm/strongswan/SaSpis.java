package io.ikeseal.testhsm.strongswan;

import java.util.List;

/**
 * One IKE SA as its SPIs, from {@code swanctl --list-sas}: what a lifecycle test follows across rekeys (a rekeyed
 * IKE SA has new SPIs, RFC 7296 §2.18; a rekeyed CHILD_SA new ESP SPIs, §2.8) and matches with key log entries.
 *
 * @param children the CHILD_SAs as (config name, state, this charon's inbound SPI, its outbound SPI)
 */
public record SaSpis(String connection, int uniqueId, String state, long spiI, long spiR, List<Child> children) {

    public SaSpis {
        children = List.copyOf(children);
    }

    /** One CHILD_SA: spiIn is the SPI this charon receives with, which is the peer's outbound SPI. */
    public record Child(String name, int uniqueId, String state, int spiIn, int spiOut) {
        public boolean installed() {
            return "INSTALLED".equals(state);
        }
    }

    static SaSpis of(IkeSa sa) {
        return new SaSpis(
                sa.name(),
                sa.uniqueId(),
                sa.state(),
                sa.initiatorSpi(),
                sa.responderSpi(),
                sa.children().stream()
                        .map(c -> new Child(c.name(), c.uniqueId(), c.state(), c.spiIn(), c.spiOut()))
                        .toList());
    }

    public boolean established() {
        return "ESTABLISHED".equals(state);
    }

    /** The installed CHILD_SAs of config {@code name}. */
    public List<Child> installed(String name) {
        return children.stream()
                .filter(c -> c.name().equals(name) && c.installed())
                .toList();
    }
}
