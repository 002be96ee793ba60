package io.ikeseal.agent.sa;

import java.net.InetSocketAddress;
import java.util.List;

import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.hsm.api.ResidencyTier;

/**
 * What is known about an IKE SA, for events, logs and the CLI: never a key. Fields not known yet are null.
 *
 * @param originalInitiator whether we initiated it
 * @param localAuth         how we authenticated, e.g. "ECDSA_SHA256 by token smartcard" or "PSK in token hsm"
 * @param tokenMicros       time spent in token calls for this SA, from its audit records (keyed by SPIi: where both
 *                          ends run in one process on shared tokens, as in the demo and the benchmarks, both ends)
 */
public record IkeSaInfo(
        String connection,
        boolean originalInitiator,
        long spiI,
        long spiR,
        InetSocketAddress local,
        InetSocketAddress remote,
        String localId,
        String remoteId,
        IkeSuite suite,
        String localAuth,
        String remoteAuth,
        ResidencyTier tier,
        boolean natDetected,
        boolean fragmentation,
        List<ChildSaRecord> children,
        long tokenMicros) {

    public IkeSaInfo {
        children = List.copyOf(children);
    }

    /** One line, e.g. {@code branch[0123456789abcdef_i fedcba9876543210_r] 127.0.0.1:500 <-> ...}. */
    public String describe() {
        return String.format(
                "%s[%016x_i %016x_r] %s %s %s <-> %s %s %s",
                connection == null ? "(unnamed)" : connection,
                spiI,
                spiR,
                originalInitiator ? "initiator" : "responder",
                address(local),
                localId,
                address(remote),
                remoteId,
                suite == null ? "" : suite.describe());
    }

    /** {@code 192.0.2.1:500} or {@code [2001:db8::1]:500}: the literal, never a host name or a leading slash. */
    public static String address(InetSocketAddress a) {
        if (a == null) {
            return "?";
        }
        String host =
                a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Override
    public String toString() {
        return describe();
    }
}
