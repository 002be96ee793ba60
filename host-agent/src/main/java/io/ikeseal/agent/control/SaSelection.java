package io.ikeseal.agent.control;

import java.util.List;
import java.util.Optional;

import io.ikeseal.agent.exchange.SaControl;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.sa.IkeSaStatus;

/**
 * Which SA a request names: exactly one of {@code ike} (either IKE SPI, hexadecimal), {@code child} (either ESP SPI
 * of a CHILD_SA) or {@code connection} (its established IKE SAs).
 */
record SaSelection(List<Long> ikeSas, Optional<Integer> childInbound) {

    static SaSelection of(ControlRequest request, SaControl sas) {
        Optional<Long> ike = request.ikeSpi("ike");
        Optional<Integer> child = request.childSpi("child");
        Optional<String> connection = request.text("connection");
        int given = (ike.isPresent() ? 1 : 0) + (child.isPresent() ? 1 : 0) + (connection.isPresent() ? 1 : 0);
        if (given != 1) {
            throw new ControlException(
                    ControlException.BAD_ARGUMENT, "name exactly one of \"ike\", \"child\" or \"connection\"");
        }
        if (ike.isPresent()) {
            long spiI = sas.find(ike.get())
                    .orElseThrow(() -> new ControlException(
                            ControlException.NOT_FOUND, "no IKE SA with SPI " + SaJson.spi(ike.get())));
            return new SaSelection(List.of(spiI), Optional.empty());
        }
        if (child.isPresent()) {
            int spi = child.get();
            for (IkeSaStatus s : sas.list()) {
                for (IkeSaStatus.ChildSaStatus c : s.children()) {
                    if (c.record().inboundSpi() == spi || c.record().outboundSpi() == spi) {
                        return new SaSelection(
                                List.of(s.info().spiI()), Optional.of(c.record().inboundSpi()));
                    }
                }
            }
            throw new ControlException(ControlException.NOT_FOUND, "no CHILD_SA with SPI " + SaJson.spi(spi));
        }
        List<Long> of = sas.list().stream()
                .filter(s -> connection.get().equals(s.info().connection()) && s.state() == IkeSaState.ESTABLISHED)
                .map(s -> s.info().spiI())
                .toList();
        if (of.isEmpty()) {
            throw new ControlException(
                    ControlException.NOT_FOUND, "no established IKE SA of connection '" + connection.get() + "'");
        }
        return new SaSelection(of, Optional.empty());
    }
}
