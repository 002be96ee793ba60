package io.ikeseal.agent.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.ikeseal.agent.exchange.SaControl;

/**
 * {@code terminate}: an IKE SA by SPI, or every established IKE SA of a connection, each with an INFORMATIONAL Delete
 * (RFC 7296 §1.4.1), waiting (bounded) until they closed; or one CHILD_SA by SPI, whose Delete is sent.
 */
final class TerminateVerb implements ControlVerb {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
    static final String REASON = "terminated by the operator";

    private final SaControl sas;

    TerminateVerb(SaControl sas) {
        this.sas = sas;
    }

    @Override
    public JsonNode run(ControlRequest request) {
        Duration timeout = request.timeout(DEFAULT_TIMEOUT, MAX_TIMEOUT);
        SaSelection which = SaSelection.of(request, sas);
        ObjectNode result = ControlProtocol.object();
        if (which.childInbound().isPresent()) {
            long spiI = which.ikeSas().getFirst();
            int child = which.childInbound().get();
            Outcomes.await(sas.terminateChild(spiI, child, REASON), timeout, "CHILD_SA " + SaJson.spi(child));
            result.putArray("child-sas").add(SaJson.spi(child));
            return result;
        }
        List<CompletableFuture<String>> closing = new ArrayList<>();
        for (long spiI : which.ikeSas()) {
            closing.add(sas.terminate(spiI, REASON));
        }
        ArrayNode done = result.putArray("ike-sas");
        for (int i = 0; i < closing.size(); i++) {
            String spi = SaJson.spi(which.ikeSas().get(i));
            ObjectNode o = done.addObject();
            o.put("spi-i", spi);
            o.put("closed", Outcomes.await(closing.get(i), timeout, "IKE SA " + spi));
        }
        return result;
    }
}
