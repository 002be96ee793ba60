package io.ikeseal.agent.control;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.exchange.SaControl;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * {@code initiate}: {@code connection} is initiated by the running daemon and stays up (as {@code swanctl
 * --initiate}); the answer is the established IKE SA, or the failure with the peer's error or our failed check.
 * {@code child-sa-missing} says the connection has children but none came up with the IKE SA.
 */
final class InitiateVerb implements ControlVerb {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    private final IkeDaemon daemon;
    private final SaControl sas;

    InitiateVerb(IkeDaemon daemon, SaControl sas) {
        this.daemon = daemon;
        this.sas = sas;
    }

    @Override
    public JsonNode run(ControlRequest request) {
        String name = request.requireText("connection");
        Duration timeout = request.timeout(DEFAULT_TIMEOUT, MAX_TIMEOUT);
        ConnectionConfig c = daemon.config()
                .connection(name)
                .orElseThrow(() -> new ControlException(
                        ControlException.NOT_FOUND,
                        "no connection '" + name + "' (connections: "
                                + String.join(
                                        ", ",
                                        daemon.config().connections().stream()
                                                .map(ConnectionConfig::name)
                                                .toList())
                                + ")"));
        if (c.remote() == null) {
            throw new ControlException(
                    ControlException.BAD_ARGUMENT,
                    "connection '" + name + "' has remote-address any: it only responds");
        }
        IkeSaInfo sa = Outcomes.await(daemon.initiate(name), timeout, name + ": no IKE SA");
        ObjectNode result = ControlProtocol.object();
        result.set(
                "ike-sa",
                sas.list().stream()
                        .filter(s -> s.info().spiI() == sa.spiI())
                        .findFirst()
                        .map(s -> (JsonNode) SaJson.ikeSa(s, Instant.now(), false))
                        .orElseGet(() -> SaJson.info(sa)));
        result.put("child-sa-missing", sa.children().isEmpty() && !c.children().isEmpty());
        return result;
    }
}
