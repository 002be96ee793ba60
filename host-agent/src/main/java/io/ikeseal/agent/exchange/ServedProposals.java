package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.hsm.api.DhGroup;

/** IKE proposals restricted to the DH groups the key-exchange token completed at start-up (RFC 7296 §3.3). */
final class ServedProposals {
    private ServedProposals() {}

    static List<ConfiguredProposal> usable(Set<DhGroup> served, List<ConfiguredProposal> proposals) {
        List<ConfiguredProposal> out = new ArrayList<>();
        for (ConfiguredProposal p : proposals) {
            List<DhGroup> g = p.groups().stream().filter(served::contains).toList();
            if (!g.isEmpty()) {
                out.add(new ConfiguredProposal(
                        p.protocolId(), p.encryption(), p.integrity(), p.prfs(), g, p.esn(), p.text()));
            }
        }
        return out;
    }
}
