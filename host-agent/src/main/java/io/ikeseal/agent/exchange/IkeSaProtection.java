package io.ikeseal.agent.exchange;

import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.protect.FragmentReassembler;
import io.ikeseal.agent.protect.PeerReassemblyBudget;
import io.ikeseal.agent.protect.ReassemblyLimits;
import io.ikeseal.agent.protect.SkProtection;
import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.hsm.api.IkeSaSecrets;

/**
 * The keys IKE_SA_INIT produced (RFC 7296 §2.14) and what they protect every later message of the SA with: SK
 * payloads in our direction and the peer's, and RFC 7383 reassembly of the peer's SKF fragments. SK_d stays a
 * sealed handle in {@link #keys()}; {@link #destroy()} drops it and zeroizes the host keys when the SA ends.
 */
final class IkeSaProtection {
    private final IkeSaSecrets keys;
    private final SkProtection protection;
    private final FragmentReassembler reassembler;

    IkeSaProtection(boolean originalInitiator, IkeSuite suite, IkeSaSecrets keys, PeerReassemblyBudget budget) {
        this.keys = keys;
        this.protection = originalInitiator
                ? SkProtection.originalInitiator(suite.protection(), keys, DecodeLimits.DEFAULT)
                : SkProtection.originalResponder(suite.protection(), keys, DecodeLimits.DEFAULT);
        this.reassembler = new FragmentReassembler(protection, ReassemblyLimits.DEFAULT, budget);
    }

    IkeSaSecrets keys() {
        return keys;
    }

    SkProtection messages() {
        return protection;
    }

    FragmentReassembler reassembler() {
        return reassembler;
    }

    void destroy() {
        reassembler.clear();
        protection.destroy();
        keys.destroy();
    }
}
