package io.ikeseal.agent.control;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.exchange.SaControl;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * {@code rekey}: an IKE SA (by SPI, or each established one of a connection) is rekeyed with CREATE_CHILD_SA (RFC
 * 7296 §2.18), its CHILD_SAs moving to the new one; or one CHILD_SA (§1.3.3). Answers with the new SAs' SPIs.
 */
final class RekeyVerb implements ControlVerb {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    private final IkeDaemon daemon;
    private final SaControl sas;

    RekeyVerb(IkeDaemon daemon, SaControl sas) {
        this.daemon = daemon;
        this.sas = sas;
    }

    @Override
    public JsonNode run(ControlRequest request) {
        Duration timeout = request.timeout(DEFAULT_TIMEOUT, MAX_TIMEOUT);
        SaSelection which = SaSelection.of(request, sas);
        ObjectNode result = ControlProtocol.object();
        if (which.childInbound().isPresent()) {
            long spiI = which.ikeSas().getFirst();
            int old = which.childInbound().get();
            ChildSaRecord fresh =
                    Outcomes.await(daemon.rekeyChild(spiI, old), timeout, "rekey of CHILD_SA " + SaJson.spi(old));
            ObjectNode o = result.putArray("child-sas").addObject();
            o.put("old-spi-in", SaJson.spi(old));
            o.set("child-sa", SaJson.child(fresh, Instant.now()));
            return result;
        }
        ArrayNode done = result.putArray("ike-sas");
        for (long spiI : which.ikeSas()) {
            IkeSaInfo fresh = Outcomes.await(daemon.rekeyIkeSa(spiI), timeout, "rekey of IKE SA " + SaJson.spi(spiI));
            ObjectNode o = done.addObject();
            o.put("old-spi-i", SaJson.spi(spiI));
            o.set("ike-sa", SaJson.info(fresh));
        }
        return result;
    }
}
