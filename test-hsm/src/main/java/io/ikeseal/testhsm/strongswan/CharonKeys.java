package io.ikeseal.testhsm.strongswan;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Every IKE SA and CHILD_SA key set in one charon log, in the order charon derived them.
 * See {@link KeyLogParser} for the line formats.
 */
public final class CharonKeys {
    private final List<IkeSaKeys> ikeSas;
    private final List<ChildSaKeys> childSas;

    CharonKeys(List<IkeSaKeys> ikeSas, List<ChildSaKeys> childSas) {
        this.ikeSas = List.copyOf(ikeSas);
        this.childSas = List.copyOf(childSas);
    }

    /** Parses a charon log written with ike_name = yes, ike and chd at level 4, mgr at level 2. */
    public static CharonKeys parse(String log) {
        return KeyLogParser.parse(log);
    }

    public List<IkeSaKeys> ikeSas() {
        return ikeSas;
    }

    public List<ChildSaKeys> childSas() {
        return childSas;
    }

    public Optional<IkeSaKeys> findIke(long initiatorSpi, long responderSpi) {
        return ikeSas.stream()
                .filter(k -> k.initiatorSpi() == initiatorSpi && k.responderSpi() == responderSpi)
                .reduce((a, b) -> b);
    }

    public IkeSaKeys ike(long initiatorSpi, long responderSpi) {
        return findIke(initiatorSpi, responderSpi)
                .orElseThrow(() -> new NoSuchElementException("no keys logged for IKE SA %016x_i %016x_r; logged: %s"
                        .formatted(initiatorSpi, responderSpi, ikeSas)));
    }

    /** The IKE SA keys for an SA as swanctl lists it. */
    public IkeSaKeys ike(IkeSa sa) {
        return ike(sa.initiatorSpi(), sa.responderSpi());
    }

    /** The CHILD_SA with this SPI as either its inbound or outbound SPI. */
    public Optional<ChildSaKeys> findChild(int spi) {
        return childSas.stream()
                .filter(k -> k.spiIn() == spi || k.spiOut() == spi)
                .reduce((a, b) -> b);
    }

    public ChildSaKeys child(int spi) {
        return findChild(spi)
                .orElseThrow(() -> new NoSuchElementException(
                        "no keys logged for a CHILD_SA with SPI %08x; logged: %s".formatted(spi, childSas)));
    }

    public ChildSaKeys child(ChildSa sa) {
        return child(sa.spiIn());
    }
}
