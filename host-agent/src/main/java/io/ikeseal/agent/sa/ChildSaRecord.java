package io.ikeseal.agent.sa;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.wire.TrafficSelector;

/**
 * A CHILD_SA as negotiated: what an installer puts into an IPsec stack, without its keys (those travel separately
 * in {@link ChildSaKeys} and are never part of a record, a log line or an event).
 *
 * @param inboundSpi       our SPI: the peer sends ESP with it
 * @param outboundSpi      the peer's SPI: we send ESP with it
 * @param udpEncapsulation ESP in UDP on the NAT-T ports, because a NAT was detected (RFC 3948, RFC 7296 §2.23)
 * @param initiator        we initiated the exchange that created this CHILD_SA: we send with the initiator-to-
 *                         responder keys of {@link ChildSaKeys} (RFC 7296 §2.17)
 */
public record ChildSaRecord(
        String connection,
        String name,
        long ikeSpiI,
        long ikeSpiR,
        int inboundSpi,
        int outboundSpi,
        ChildSuite suite,
        ChildSaMode mode,
        List<TrafficSelector> localTs,
        List<TrafficSelector> remoteTs,
        InetSocketAddress local,
        InetSocketAddress remote,
        boolean udpEncapsulation,
        Duration lifetime,
        Instant established,
        boolean initiator) {

    public ChildSaRecord {
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
    }

    /** The same CHILD_SA under another IKE SA: it moved there when its IKE SA was rekeyed (RFC 7296 §2.18). */
    public ChildSaRecord withIkeSpis(long spiI, long spiR) {
        return new ChildSaRecord(
                connection,
                name,
                spiI,
                spiR,
                inboundSpi,
                outboundSpi,
                suite,
                mode,
                localTs,
                remoteTs,
                local,
                remote,
                udpEncapsulation,
                lifetime,
                established,
                initiator);
    }

    /** One line for logs and the CLI. */
    public String describe() {
        return String.format(
                "%s{%s} SPIs %08x_i %08x_o %s %s %s === %s%s",
                connection,
                name,
                inboundSpi,
                outboundSpi,
                suite.describe(),
                mode.configName(),
                join(localTs),
                join(remoteTs),
                udpEncapsulation ? " (UDP-encapsulated)" : "");
    }

    private static String join(List<TrafficSelector> ts) {
        return ts.stream().map(TrafficSelector::toString).collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return describe();
    }
}
