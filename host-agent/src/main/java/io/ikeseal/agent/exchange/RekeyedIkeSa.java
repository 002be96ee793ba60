package io.ikeseal.agent.exchange;

import java.util.List;

import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.wire.Proposal;
import io.ikeseal.hsm.api.IkeSaSecrets;

/**
 * The new IKE SA an IKE SA rekey makes (RFC 7296 §2.18): its original initiator is the rekey's initiator, its message
 * IDs start at 0, and it carries on the old SA's connection, path, identities, peer window and NAT and fragmentation
 * findings. It is registered under a fresh SPI of ours and tracked from the start, so no other SA takes that SPI.
 */
final class RekeyedIkeSa {
    private RekeyedIkeSa() {}

    /** What the new SA inherits, read on the old SA's executor. */
    record Inherited(String localAuth, String peerId, String remoteAuth, long peerWindow, IkeSaInitResult oldInit) {
        static Inherited from(IkeSa old) {
            return new Inherited(
                    old.auth().local(),
                    old.auth().peerId(),
                    old.auth().remote(),
                    old.tasks().peerWindowSize(),
                    old.init());
        }
    }

    /** The rekey's initiator: a new SA with our fresh initiator SPI, its responder SPI still to come. */
    static IkeSa initiator(IkeSa old) {
        SaShared shared = old.shared();
        IkeSa sa;
        do {
            sa = new IkeSa(shared, true, shared.random().ikeSpi(), old.path(), old.connection(), List.of());
        } while (!shared.spis().register(sa.spiI(), sa));
        shared.live().track(sa);
        return sa;
    }

    /** The rekey's responder: a new SA with the peer's initiator SPI and a fresh responder SPI of ours. */
    static IkeSa responder(IkeSa old, long peerSpiI) {
        SaShared shared = old.shared();
        IkeSa sa = new IkeSa(shared, false, peerSpiI, old.path(), old.connection(), List.of());
        long spiR;
        do {
            spiR = shared.random().ikeSpi();
            sa.responderSpi(spiR);
        } while (!shared.spis().register(spiR, sa));
        shared.live().track(sa);
        return sa;
    }

    /**
     * Keys and establishes {@code sa} on its executor; its CHILD_SAs come later from the old SA. The keys are
     * destroyed if the SA ended meanwhile.
     *
     * @param accepted responder: the proposal we answered with; initiator: null
     */
    static void establish(
            IkeSa sa,
            Inherited from,
            long spiR,
            byte[] ni,
            byte[] nr,
            IkeSuite suite,
            Proposal accepted,
            IkeSaSecrets keys) {
        sa.exec().execute(() -> {
            if (sa.isClosed()) {
                keys.destroy();
                return;
            }
            if (sa.originalInitiator()) {
                sa.responderSpi(spiR);
            }
            sa.auth().local(from.localAuth());
            sa.auth().peer(from.peerId(), from.remoteAuth());
            sa.tasks().peerWindow(from.peerWindow());
            IkeSaInitResult old = from.oldInit();
            sa.keyed(
                    new IkeSaInitResult(
                            ni,
                            nr,
                            null,
                            null,
                            suite,
                            accepted,
                            old.nat(),
                            old.fragmentation(),
                            old.peerHashes(),
                            List.of()),
                    keys);
            sa.protection().authenticated(); // no AUTH on a rekeyed SA (§2.18): SK_p is dead from the start
            sa.life().establishedByRekey(false);
        });
    }
}
