package io.ikeseal.agent.ts;

import java.net.InetAddress;
import java.util.List;

/**
 * What one configured CHILD_SA allows: traffic between any selector of {@code remote} (the peer's end) and any of
 * {@code local} (ours), with {@code dynamic} already replaced by addresses. As responder the peer is the
 * initiator, so {@code remote} meets TSi and {@code local} meets TSr; as initiator it is the other way round.
 */
public record TsPolicy(List<Selector> remote, List<Selector> local) {
    public TsPolicy {
        remote = List.copyOf(remote);
        local = List.copyOf(local);
        if (remote.isEmpty() || local.isEmpty()) {
            throw new IllegalArgumentException("a policy needs remote and local selectors");
        }
    }

    /**
     * Resolves configured selectors for one IKE SA: remote {@code dynamic} becomes the peer's address (or its
     * virtual IP), local {@code dynamic} ours.
     */
    public static TsPolicy resolve(
            List<ConfiguredSelector> remote,
            List<ConfiguredSelector> local,
            InetAddress remoteAddress,
            InetAddress localAddress) {
        return new TsPolicy(
                ConfiguredSelector.resolveAll(remote, remoteAddress),
                ConfiguredSelector.resolveAll(local, localAddress));
    }

    /** What an initiator proposes for this policy: TSi its local selectors, TSr the remote ones. */
    public TsPair proposal() {
        return new TsPair(local, remote);
    }

    @Override
    public String toString() {
        return SelectorSets.format(local) + " === " + SelectorSets.format(remote);
    }
}
