package io.ikeseal.agent.exchange;

import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.protect.FragmentReassembler;
import io.ikeseal.agent.protect.PeerReassemblyBudget;
import io.ikeseal.agent.protect.ReassemblyLimits;
import io.ikeseal.agent.protect.SkProtection;
import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.IkeSaSecrets;

/**
 * The keys IKE_SA_INIT produced (RFC 7296 §2.14) and what they protect every later message of the SA with: SK
 * payloads in our direction and the peer's, and RFC 7383 reassembly of the peer's SKF fragments. SK_d stays a
 * sealed handle in {@link #keys()}; {@link #destroy()} drops it and zeroizes the host keys when the SA ends.
 */
final class IkeSaProtection {
    /** What {@link #keys()} names in place of the host keys dropped by {@link #authenticated()}: destroyed, empty. */
    private static final HostKey SK_AI = dropped("SK_ai");

    private static final HostKey SK_AR = dropped("SK_ar");
    private static final HostKey SK_EI = dropped("SK_ei");
    private static final HostKey SK_ER = dropped("SK_er");
    private static final HostKey SK_PI = dropped("SK_pi");
    private static final HostKey SK_PR = dropped("SK_pr");

    private IkeSaSecrets keys;
    private final SkProtection protection;
    private final PeerReassemblyBudget budget;
    /** Made at the first IKE Fragment Message (RFC 7383): most SAs never see one. */
    private FragmentReassembler reassembler;

    IkeSaProtection(boolean originalInitiator, IkeSuite suite, IkeSaSecrets keys, PeerReassemblyBudget budget) {
        this.keys = keys;
        this.protection = originalInitiator
                ? SkProtection.originalInitiator(suite.protection(), keys, DecodeLimits.DEFAULT)
                : SkProtection.originalResponder(suite.protection(), keys, DecodeLimits.DEFAULT);
        this.budget = budget;
    }

    IkeSaSecrets keys() {
        return keys;
    }

    /**
     * IKE_AUTH is done: SK_pi and SK_pr are never used again (they only enter the AUTH payloads, RFC 7296 §2.15),
     * and the ciphers hold their own copies of SK_e and SK_a. The host copies are zeroized and dropped, so an
     * established SA keeps only what protects its messages, and SK_d's handle.
     */
    void authenticated() {
        IkeSaSecrets k = keys;
        if (k.skPi() == SK_PI) {
            return;
        }
        keys = new IkeSaSecrets(k.skD(), SK_AI, SK_AR, SK_EI, SK_ER, SK_PI, SK_PR);
        for (HostKey h : new HostKey[] {k.skAi(), k.skAr(), k.skEi(), k.skEr(), k.skPi(), k.skPr()}) {
            h.destroy();
        }
    }

    private static HostKey dropped(String name) {
        HostKey k = HostKey.adopt(name, new byte[0]);
        k.destroy();
        return k;
    }

    SkProtection messages() {
        return protection;
    }

    FragmentReassembler reassembler() {
        if (reassembler == null) {
            reassembler = new FragmentReassembler(protection, ReassemblyLimits.DEFAULT, budget);
        }
        return reassembler;
    }

    void destroy() {
        if (reassembler != null) {
            reassembler.clear();
        }
        protection.destroy();
        keys.destroy();
    }
}
