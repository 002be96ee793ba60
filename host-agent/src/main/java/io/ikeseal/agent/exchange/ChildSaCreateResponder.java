package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.KeyExchangePayload;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.hsm.api.KeyShare;

/**
 * A further CHILD_SA (RFC 7296 §1.3.1) as responder: HDR, SK {[N(USE_TRANSPORT_MODE)], SA, Nr, [KEr], TSi, TSr}
 * with a PFS share of ours when the chosen proposal has a group. N(NO_ADDITIONAL_SAS) once the IKE SA carries
 * {@code childSaLimit} CHILD_SAs; TEMPORARY_FAILURE while the IKE SA is not simply ESTABLISHED (e.g. being rekeyed,
 * §2.25); INVALID_KE_PAYLOAD, NO_PROPOSAL_CHOSEN and TS_UNACCEPTABLE from {@link ChildSaNegotiation}. The answer of
 * {@link ChildSaRekeyResponder} is made the same way ({@link #answer}).
 */
final class ChildSaCreateResponder implements ResponderTask {
    private static final Logger LOG = LoggerFactory.getLogger(ChildSaCreateResponder.class);

    private final IkeSa sa;

    ChildSaCreateResponder(IkeSa sa) {
        this.sa = sa;
    }

    @Override
    public void handle(IkeMessage request, IkeDatagram datagram) {
        if (sa.state() != IkeSaState.ESTABLISHED) {
            sa.tasks().respond(request.header(), List.of(NotifyPayload.of(NotifyType.TEMPORARY_FAILURE)));
            return;
        }
        if (sa.children().count() >= sa.settings().limits().childSaLimit()) {
            LOG.info(
                    "{}: CHILD_SA refused: the limit of {} is reached",
                    sa.name(),
                    sa.settings().limits().childSaLimit());
            sa.tasks().respond(request.header(), List.of(NotifyPayload.of(NotifyType.NO_ADDITIONAL_SAS)));
            return;
        }
        answer(sa, request, sa.connection().config().children(), null, (c, lowest) -> {});
    }

    /**
     * Answers a CREATE_CHILD_SA request that asks for a CHILD_SA of one of {@code children} ({@code rekeys}: the one
     * it replaces, or null); {@code installed} gets the new CHILD_SA once it is installed, before the answer goes, with the
     * lowest nonce of the exchange (§2.8.1).
     * Our key share is consumed by KEYMAT or destroyed, also when the SA closes meanwhile.
     */
    static void answer(
            IkeSa sa, IkeMessage m, List<ChildConfig> children, ChildSa rekeys, BiConsumer<ChildSa, byte[]> installed) {
        Optional<NoncePayload> ni = m.first(NoncePayload.class);
        if (ni.isEmpty()) {
            sa.tasks().respond(m.header(), List.of(NotifyPayload.of(NotifyType.INVALID_SYNTAX)));
            return;
        }
        byte[] nr = sa.shared().random().bytes(IkeSaInitInitiator.NONCE_LENGTH);
        KeyShare[] share = new KeyShare[1];
        byte[][] ker = new byte[1][];
        IkeSaInitResult init = sa.init();
        CompletableFuture<PendingChildSa> pending = sa.shared()
                .negotiation()
                .respond(sa, m, children, false, rekeys, (ChildSuite suite) -> {
                    byte[] peerKe = m.first(KeyExchangePayload.class)
                            .map(KeyExchangePayload::keyExchangeData)
                            .orElse(null);
                    if (suite.pfsGroup() == null) {
                        return CompletableFuture.completedFuture(keying(sa, init, ni.get(), nr, null, null));
                    }
                    return sa.shared()
                            .crypto()
                            .generateShare(suite.pfsGroup(), sa.auditContext())
                            .thenApply(s -> {
                                share[0] = s;
                                ker[0] = s.keyExchangeData();
                                return keying(sa, init, ni.get(), nr, s, peerKe);
                            });
                });
        Continuations.on(sa.exec(), Continuations.thenRecordsDurable(sa, pending), (p, e) -> {
            if (share[0] != null && !share[0].isDestroyed()) {
                share[0].destroy();
            }
            if (sa.isClosed()) {
                if (p != null) {
                    p.discard();
                }
                return;
            }
            if (p == null) {
                String why = "CHILD_SA setup: " + IkeKeyDerivation.describe(e);
                LOG.info("{}: {}", sa.name(), why);
                sa.outputs().events().childSaFailed(sa.info(), "(requested)", why);
                sa.tasks().respond(m.header(), List.of(NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN)));
                return;
            }
            List<IkePayload> answer = new ArrayList<>();
            for (IkePayload o : p.complete()) {
                answer.add(o);
                if (o instanceof SecurityAssociationPayload s) {
                    answer.add(new NoncePayload(nr));
                    if (ker[0] != null) {
                        answer.add(new KeyExchangePayload(share[0].group().id(), ker[0]));
                    }
                    int ours = IkeRandom.espSpiValue(s.proposals().getFirst().spi());
                    sa.children()
                            .byInbound(ours)
                            .ifPresent(c -> installed.accept(c, lowest(ni.get().nonce(), nr)));
                }
            }
            sa.tasks().respond(m.header(), answer);
        });
    }

    private static ChildKeying keying(
            IkeSa sa, IkeSaInitResult init, NoncePayload ni, byte[] nr, KeyShare s, byte[] peerKe) {
        return new ChildKeying(init.suite().prf(), sa.keys().skD(), ni.nonce(), nr, s, peerKe, sa.auditContext());
    }

    /** The lower of an exchange's two nonces (§2.8.1 compares them). */
    static byte[] lowest(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
