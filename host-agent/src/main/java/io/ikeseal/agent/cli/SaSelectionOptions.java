package io.ikeseal.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.ikeseal.agent.control.ControlProtocol;

/** Which SA {@code terminate} and {@code rekey} act on: a connection's IKE SAs, one IKE SA, or one CHILD_SA. */
final class SaSelectionOptions {
    @Parameters(paramLabel = "CONN", arity = "0..1", description = "Every established IKE SA of this connection.")
    String connection;

    @Option(
            names = "--ike",
            paramLabel = "SPI",
            description = "The IKE SA with this SPI (either side's, 16 hex digits as 'sas' prints it).")
    String ike;

    @Option(
            names = "--child",
            paramLabel = "SPI",
            description = "The CHILD_SA with this ESP SPI (either direction, 8 hex digits).")
    String child;

    /** The request's arguments; exactly one must be given. */
    ObjectNode args() {
        int given = (connection != null ? 1 : 0) + (ike != null ? 1 : 0) + (child != null ? 1 : 0);
        if (given != 1) {
            throw new UsageException("name exactly one of CONN, --ike SPI or --child SPI");
        }
        ObjectNode a = ControlProtocol.object();
        if (connection != null) {
            a.put("connection", connection);
        }
        if (ike != null) {
            a.put("ike", ike);
        }
        if (child != null) {
            a.put("child", child);
        }
        return a;
    }
}
