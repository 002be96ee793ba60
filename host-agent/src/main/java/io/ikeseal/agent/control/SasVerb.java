package io.ikeseal.agent.control;

import java.time.Clock;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.exchange.SaControl;
import io.ikeseal.agent.sa.IkeSaStatus;

/**
 * {@code sas}: every live IKE SA with its CHILD_SAs; optional {@code connection} narrows to one connection. With the
 * userspace data plane, each CHILD_SA's counters and the plane's drops by reason too.
 */
final class SasVerb implements ControlVerb {
    private final IkeDaemon daemon;
    private final SaControl sas;
    private final Clock clock;

    SasVerb(IkeDaemon daemon, SaControl sas, Clock clock) {
        this.daemon = daemon;
        this.sas = sas;
        this.clock = clock;
    }

    @Override
    public JsonNode run(ControlRequest request) {
        String only = request.text("connection").orElse(null);
        boolean counters = daemon.dataPlaneCounters().isPresent();
        Instant now = clock.instant();
        ObjectNode result = ControlProtocol.object();
        ArrayNode list = result.putArray("ike-sas");
        for (IkeSaStatus s : sas.list()) {
            if (only == null || only.equals(s.info().connection())) {
                list.add(SaJson.ikeSa(s, now, counters));
            }
        }
        result.put("data-plane", counters);
        daemon.dataPlaneCounters().ifPresent(c -> result.put("data-plane-drops", c.describe()));
        return result;
    }
}
