package io.ikeseal.agent.dataplane;

/**
 * One SPD entry (RFC 4301 §4.4.1): a local and a remote selector of the same family, and what traffic between
 * them goes to. Outbound, the packet's source is local and its destination remote; inbound the other way round.
 */
record SpdPolicy<T>(CompiledSelector local, CompiledSelector remote, T target) {

    boolean admitsOutbound(InnerPacket p) {
        return local.admits(p.version, p.sourceHigh, p.sourceLow, p.protocol, p.sourcePort)
                && remote.admits(p.version, p.destinationHigh, p.destinationLow, p.protocol, p.destinationPort);
    }

    boolean admitsInbound(InnerPacket p) {
        return remote.admits(p.version, p.sourceHigh, p.sourceLow, p.protocol, p.sourcePort)
                && local.admits(p.version, p.destinationHigh, p.destinationLow, p.protocol, p.destinationPort);
    }
}
