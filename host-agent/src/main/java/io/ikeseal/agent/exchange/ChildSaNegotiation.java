package io.ikeseal.agent.exchange;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.proposal.ProposalSelection;
import io.ikeseal.agent.proposal.Selected;
import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.ts.InitiatorCheck;
import io.ikeseal.agent.ts.InitiatorOutcome;
import io.ikeseal.agent.ts.Narrowing;
import io.ikeseal.agent.ts.NarrowingResult;
import io.ikeseal.agent.ts.TsPair;
import io.ikeseal.agent.ts.TsPolicy;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.KeyExchangePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.Proposal;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.agent.wire.TrafficSelectorPayload;
import io.ikeseal.hsm.api.IkeCrypto;

/**
 * Creating one CHILD_SA, for any exchange that carries SA, TSi and TSr (IKE_AUTH now, CREATE_CHILD_SA later): our
 * offer and the check of the answer (initiator), or the choice of proposal, narrowed traffic selectors (§2.9) and
 * mode (§1.3.1) (responder); then our inbound SPI, KEYMAT from SK_d in the token (§2.17, nonces and PFS share given
 * by the caller in {@link ChildKeying}), and the hand-over to the installer, after which the keys are destroyed.
 */
final class ChildSaNegotiation {
    private static final Logger LOG = LoggerFactory.getLogger(ChildSaNegotiation.class);

    private final IkeRandom random;
    private final SaOutputs outputs;
    private final ChildSaSetup setup;

    ChildSaNegotiation(IkeCrypto crypto, IkeRandom random, SaOutputs outputs, Clock clock) {
        this.random = random;
        this.outputs = outputs;
        this.setup = new ChildSaSetup(crypto, outputs, clock);
    }

    /** What the initiator proposed, to check the answer against. */
    record Offer(
            ChildConfig child,
            byte[] inboundSpi,
            List<Proposal> esp,
            TsPair ts,
            List<IkePayload> payloads,
            ChildSa rekeys) {}

    /**
     * The initiator's outcome: agreed (KEYMAT derived, the CHILD_SA installed by {@code pending} only once the IKE SA
     * is established on our side, issue 9 item 5), or failed (and whether the responder holds a half to delete).
     */
    record Outcome(PendingChildSa pending, String failure, boolean deleteAtPeer) {
        static Outcome failed(String why, boolean deleteAtPeer) {
            return new Outcome(null, why, deleteAtPeer);
        }

        /** The IKE SA failed first: nothing is installed or announced, the keys go. */
        void discard() {
            if (pending != null) {
                pending.discard();
            }
        }
    }

    Offer offer(IkeSa sa, ChildConfig child) {
        return offer(sa, child, false, null);
    }

    /** {@code withGroups}: CREATE_CHILD_SA, where the ESP proposals name their PFS groups (§1.3.1). */
    Offer offer(IkeSa sa, ChildConfig child, boolean withGroups, ChildSa rekeys) {
        List<IkePayload> p = new ArrayList<>();
        if (child.mode() == ChildSaMode.TRANSPORT) {
            p.add(NotifyPayload.of(NotifyType.USE_TRANSPORT_MODE));
        }
        byte[] inbound = random.espSpi();
        List<Proposal> esp = new ArrayList<>();
        for (ConfiguredProposal cp : child.espProposals()) {
            // No KE payload in IKE_AUTH, so no DH transforms either (the CHILD_SA's keys come from SK_d).
            esp.add(cp.toWire(esp.size() + 1, inbound, withGroups));
        }
        TsPair ts = TsPolicy.resolve(
                        child.remoteTs(),
                        child.localTs(),
                        sa.path().remote().getAddress(),
                        sa.path().local().getAddress())
                .proposal();
        p.add(new SecurityAssociationPayload(esp));
        p.add(ts.tsiPayload());
        p.add(ts.tsrPayload());
        return new Offer(child, inbound, esp, ts, p, rekeys);
    }

    /**
     * Initiator: checks the responder's answer to {@code offer} and derives the CHILD_SA's KEYMAT; the caller installs
     * it (the outcome's {@code pending}) once the IKE SA is established, or discards it. Completes on any thread.
     */
    CompletableFuture<Outcome> accept(IkeSa sa, Offer offer, IkeMessage m, ChildKeying keying) {
        Optional<NotifyPayload> error = m.error();
        Optional<SecurityAssociationPayload> saPayload = m.first(SecurityAssociationPayload.class);
        Optional<TrafficSelectorPayload> tsi = m.trafficSelectors(PayloadType.TSI);
        Optional<TrafficSelectorPayload> tsr = m.trafficSelectors(PayloadType.TSR);
        if (error.isPresent() || saPayload.isEmpty() || tsi.isEmpty() || tsr.isEmpty()) {
            return done(Outcome.failed(
                    error.map(n -> NotifyType.name(n.notifyType()) + " from the responder")
                            .orElse("no SA, TSi and TSr in the IKE_AUTH response"),
                    false));
        }
        Optional<ChildSuite> suite =
                ProposalSelection.acceptChild(saPayload.get().proposals(), offer.esp());
        if (suite.isEmpty()) {
            return done(Outcome.failed("the responder chose an ESP proposal we did not offer", true));
        }
        ChildConfig child = offer.child();
        boolean transport = m.notification(NotifyType.USE_TRANSPORT_MODE).isPresent();
        if (transport != (child.mode() == ChildSaMode.TRANSPORT)) {
            return done(Outcome.failed(
                    "the responder "
                            + (transport ? "chose transport mode we did not ask for" : "refused transport mode"),
                    true));
        }
        InitiatorOutcome ts = InitiatorCheck.check(offer.ts(), tsi.get(), tsr.get());
        if (ts instanceof InitiatorOutcome.Rejected r) {
            return done(Outcome.failed("traffic selectors: " + r.detail(), true));
        }
        TsPair agreed = ((InitiatorOutcome.Accepted) ts).selectors();
        byte[] outbound = saPayload.get().proposals().getFirst().spi();
        return setup.keymat(suite.get(), keying).handle((keys, e) -> {
            if (e != null) {
                return Outcome.failed("KEYMAT: " + IkeKeyDerivation.describe(e), true);
            }
            return new Outcome(
                    PendingChildSa.agreed(keys, () -> {
                        ChildSaRecord r = setup.install(
                                sa,
                                true,
                                offer.rekeys(),
                                child,
                                suite.get(),
                                child.mode(),
                                offer.inboundSpi(),
                                outbound,
                                agreed.tsi(),
                                agreed.tsr(),
                                keys);
                        return r == null ? null : List.of();
                    }),
                    null,
                    false);
        });
    }

    /**
     * Responder: the CHILD_SA agreed (KEYMAT derived, not yet installed) or the notification that says why there is
     * none, to {@link PendingChildSa#complete} once the IKE SA is established on our side.
     */
    CompletableFuture<PendingChildSa> respond(IkeSa sa, IkeMessage m, List<ChildConfig> children, ChildKeying keying) {
        return respond(sa, m, children, true, null, suite -> CompletableFuture.completedFuture(keying));
    }

    /**
     * As above for IKE_AUTH ({@code inIkeAuth}) or CREATE_CHILD_SA, where the chosen proposal's PFS group must be
     * the KE payload's (else INVALID_KE_PAYLOAD naming ours, §1.3, §2.7) and {@code keyingFor} makes the keying
     * inputs (e.g. our key share) for the chosen suite; {@code rekeys}: the CHILD_SA a rekey replaces (§1.3.3).
     */
    CompletableFuture<PendingChildSa> respond(
            IkeSa sa,
            IkeMessage m,
            List<ChildConfig> children,
            boolean inIkeAuth,
            ChildSa rekeys,
            Function<ChildSuite, CompletableFuture<ChildKeying>> keyingFor) {
        Optional<SecurityAssociationPayload> saPayload = m.first(SecurityAssociationPayload.class);
        if (saPayload.isEmpty()) {
            // an IKE SA without CHILD_SA (RFC 6023)
            return CompletableFuture.completedFuture(PendingChildSa.refused(() -> {}, List.of()));
        }
        Optional<TrafficSelectorPayload> tsi = m.trafficSelectors(PayloadType.TSI);
        Optional<TrafficSelectorPayload> tsr = m.trafficSelectors(PayloadType.TSR);
        if (tsi.isEmpty() || tsr.isEmpty() || children.isEmpty()) {
            // CVE-2009-1958 was an IKE_AUTH with SA but no TSi/TSr: refuse the CHILD_SA, never dereference.
            return refuse(
                    sa,
                    NotifyType.TS_UNACCEPTABLE,
                    children.isEmpty() ? "no CHILD_SA configured" : "SA without TSi and TSr");
        }
        // §2.9 leaves the choice among children whose selectors fit to the responder: one whose ESP proposals fit too
        // (charon asks for a PFS child's selectors, which a broader child without PFS also accepts), else the first
        List<ChildConfig> fitting = children.stream()
                .filter(c -> ProposalSelection.selectChild(saPayload.get().proposals(), c.espProposals(), inIkeAuth)
                        .isPresent())
                .toList();
        NarrowingResult narrowed = narrow(sa, tsi.get(), tsr.get(), fitting);
        if (!(narrowed instanceof NarrowingResult.Accepted)) {
            fitting = children;
            narrowed = narrow(sa, tsi.get(), tsr.get(), children);
        }
        if (narrowed instanceof NarrowingResult.Unacceptable u) {
            return refuse(sa, NotifyType.TS_UNACCEPTABLE, u.reason());
        }
        NarrowingResult.Accepted a = (NarrowingResult.Accepted) narrowed;
        ChildConfig child = fitting.get(a.policyIndex());
        Optional<Selected<ChildSuite>> chosen =
                ProposalSelection.selectChild(saPayload.get().proposals(), child.espProposals(), inIkeAuth);
        if (chosen.isEmpty()) {
            return refuse(sa, NotifyType.NO_PROPOSAL_CHOSEN, "no ESP proposal acceptable to " + child.name());
        }
        boolean transportAsked = m.notification(NotifyType.USE_TRANSPORT_MODE).isPresent();
        if (child.mode() == ChildSaMode.TRANSPORT && !transportAsked) {
            return refuse(sa, NotifyType.NO_PROPOSAL_CHOSEN, child.name() + " is transport mode only");
        }
        ChildSaMode mode = transportAsked && child.mode() == ChildSaMode.TRANSPORT
                ? ChildSaMode.TRANSPORT
                : ChildSaMode.TUNNEL; // §1.3.1: not echoing USE_TRANSPORT_MODE declines it
        ChildSuite suite = chosen.get().suite();
        Optional<KeyExchangePayload> ke = m.first(KeyExchangePayload.class);
        if (suite.pfsGroup() != null
                && (ke.isEmpty() || ke.get().dhGroup() != suite.pfsGroup().id())) {
            LOG.info("{}: CHILD_SA needs a KE payload of {}", sa.name(), suite.pfsGroup());
            return CompletableFuture.completedFuture(PendingChildSa.refused(
                    () -> {}, List.of(NotifyPayload.invalidKe(suite.pfsGroup().id()))));
        }
        byte[] inbound = random.espSpi();
        return keyingFor
                .apply(suite)
                .thenCompose(keying -> setup.keymat(suite, keying))
                .thenApply(keys -> PendingChildSa.agreed(keys, () -> {
                    ChildSaRecord r = setup.install(
                            sa,
                            false,
                            rekeys,
                            child,
                            suite,
                            mode,
                            inbound,
                            chosen.get().peerSpi(),
                            a.selectors().tsi(),
                            a.selectors().tsr(),
                            keys);
                    if (r == null) {
                        outputs.events().childSaFailed(sa.info(), child.name(), "the installer refused it");
                        return List.<IkePayload>of(NotifyPayload.of(NotifyType.NO_ADDITIONAL_SAS));
                    }
                    List<IkePayload> p = new ArrayList<>();
                    if (mode == ChildSaMode.TRANSPORT) {
                        p.add(NotifyPayload.of(NotifyType.USE_TRANSPORT_MODE));
                    }
                    p.add(new SecurityAssociationPayload(List.of(chosen.get().responseWithSpi(inbound))));
                    p.add(a.selectors().tsiPayload());
                    p.add(a.selectors().tsrPayload());
                    if (a.additionalTsPossible()) {
                        p.add(NotifyPayload.of(NotifyType.ADDITIONAL_TS_POSSIBLE));
                    }
                    return p;
                }));
    }

    private static NarrowingResult narrow(
            IkeSa sa, TrafficSelectorPayload tsi, TrafficSelectorPayload tsr, List<ChildConfig> children) {
        return Narrowing.respond(
                tsi,
                tsr,
                children.stream()
                        .map(c -> TsPolicy.resolve(
                                c.remoteTs(),
                                c.localTs(),
                                sa.path().remote().getAddress(),
                                sa.path().local().getAddress()))
                        .toList());
    }

    /** The refusal is logged now and announced only if the IKE SA gets established (item 5 of issue 9). */
    private CompletableFuture<PendingChildSa> refuse(IkeSa sa, int notify, String why) {
        LOG.info("{}: CHILD_SA refused with {}: {}", sa.name(), NotifyType.name(notify), why);
        return CompletableFuture.completedFuture(PendingChildSa.refused(
                () -> outputs.events().childSaFailed(sa.info(), "(requested)", NotifyType.name(notify) + ": " + why),
                List.of(NotifyPayload.of(notify))));
    }

    private static CompletableFuture<Outcome> done(Outcome o) {
        return CompletableFuture.completedFuture(o);
    }
}
