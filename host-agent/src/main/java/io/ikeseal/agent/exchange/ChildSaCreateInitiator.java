package io.ikeseal.agent.exchange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.KeyExchangePayload;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.KeyShare;

/**
 * CREATE_CHILD_SA as initiator for a further CHILD_SA (RFC 7296 §1.3.1): HDR, SK {[N(USE_TRANSPORT_MODE)], SA, Ni,
 * [KEi], TSi, TSr}, with PFS when the ESP proposal names a group; and, given N(REKEY_SA), the same for a CHILD_SA
 * rekey (§1.3.3, see {@link ChildSaRekeyInitiator}). INVALID_KE_PAYLOAD is retried once with the group the responder
 * names (§1.3); TEMPORARY_FAILURE after a random short delay, a bounded number of times (§2.25). Our key share is
 * consumed by KEYMAT or destroyed on every other path.
 */
final class ChildSaCreateInitiator implements InitiatorTask {
    private static final Logger LOG = LoggerFactory.getLogger(ChildSaCreateInitiator.class);
    static final int MAX_TRIES = 5;

    /** What the exchange is for: a new CHILD_SA (nothing) or a rekey ({@link ChildSaRekeyInitiator}). */
    interface Purpose {
        /** N(REKEY_SA) for a rekey. */
        default List<IkePayload> extra() {
            return List.of();
        }

        /** The CHILD_SA a rekey replaces; null for a new one. */
        default ChildSa rekeys() {
            return null;
        }

        /** Still worth doing (e.g. the CHILD_SA to rekey still exists)? */
        default boolean stillWanted() {
            return true;
        }

        /** The new CHILD_SA is installed; {@code lowestNonce} of this exchange (§2.8.1). */
        default ChildSaRecord installed(ChildSa c, byte[] lowestNonce) {
            return c.record();
        }

        /** The responder refused with {@code notify}: true when this purpose took care of it. */
        default boolean refused(int notify) {
            return false;
        }
    }

    private final IkeSa sa;
    private final ChildConfig child;
    private final Purpose purpose;
    private final CompletableFuture<ChildSaRecord> result;
    private final int tries;
    private DhGroup group;
    private boolean keRetried;
    private KeyShare share;
    private ChildSaNegotiation.Offer offer;
    private byte[] ni;

    ChildSaCreateInitiator(IkeSa sa, ChildConfig child, Purpose purpose) {
        this(sa, child, purpose, new CompletableFuture<>(), 1);
    }

    private ChildSaCreateInitiator(
            IkeSa sa, ChildConfig child, Purpose purpose, CompletableFuture<ChildSaRecord> result, int tries) {
        this.sa = sa;
        this.child = child;
        this.purpose = purpose;
        this.result = result;
        this.tries = tries;
        this.group = pfsGroup(child);
    }

    /** Completes with the new CHILD_SA (for a rekey: the one that replaces the old), or fails saying why. */
    CompletableFuture<ChildSaRecord> result() {
        return result;
    }

    private static DhGroup pfsGroup(ChildConfig child) {
        for (ConfiguredProposal p : child.espProposals()) {
            if (!p.groups().isEmpty()) {
                return p.groups().getFirst();
            }
        }
        return null;
    }

    @Override
    public void start() {
        if (!purpose.stillWanted()) { // e.g. the CHILD_SA to rekey was deleted meanwhile: nothing failed
            releaseShare();
            sa.tasks().finished(this);
            result.completeExceptionally(new IkeSaFailure("the CHILD_SA is gone"));
            return;
        }
        if (sa.state() != IkeSaState.ESTABLISHED) {
            give("the IKE SA is " + sa.state(), false);
            return;
        }
        if (group == null) {
            send();
            return;
        }
        Continuations.on(sa.exec(), sa.shared().crypto().generateShare(group, sa.auditContext()), (s, e) -> {
            if (e != null) {
                give("key share: " + IkeKeyDerivation.describe(e), false);
            } else if (sa.isClosed()) {
                s.destroy();
                give("the IKE SA closed", false);
            } else {
                share = s;
                send();
            }
        });
    }

    private void send() {
        ni = sa.shared().random().bytes(IkeSaInitInitiator.NONCE_LENGTH);
        offer = sa.shared().negotiation().offer(sa, child, true, purpose.rekeys());
        List<IkePayload> p = new ArrayList<>(purpose.extra());
        for (IkePayload o : offer.payloads()) {
            p.add(o);
            if (o instanceof SecurityAssociationPayload) {
                p.add(new NoncePayload(ni));
                if (share != null) {
                    p.add(new KeyExchangePayload(share.group().id(), share.keyExchangeData()));
                }
            }
        }
        sa.tasks().send(this, ExchangeType.CREATE_CHILD_SA, p);
    }

    @Override
    public void onResponse(IkeMessage m, IkeDatagram dg) {
        Optional<NotifyPayload> error = m.error();
        if (error.isPresent()) {
            refused(error.get());
            return;
        }
        Optional<NoncePayload> nr = m.first(NoncePayload.class);
        Optional<KeyExchangePayload> ker = m.first(KeyExchangePayload.class);
        if (nr.isEmpty()) {
            give("no Nr in the CREATE_CHILD_SA response", true);
            return;
        }
        if (share != null
                && (ker.isEmpty() || ker.get().dhGroup() != share.group().id())) {
            give("no KEr of " + share.group() + " in the CREATE_CHILD_SA response", true);
            return;
        }
        IkeSaInitResult init = sa.init();
        ChildKeying keying = new ChildKeying(
                init.suite().prf(),
                sa.keys().skD(),
                ni,
                nr.get().nonce(),
                share,
                share == null ? null : ker.get().keyExchangeData(),
                sa.auditContext());
        byte[] lowest = Arrays.compareUnsigned(ni, nr.get().nonce()) <= 0
                ? ni
                : nr.get().nonce();
        CompletableFuture<ChildSaNegotiation.Outcome> accepted =
                Continuations.thenRecordsDurable(sa, sa.shared().negotiation().accept(sa, offer, m, keying));
        Continuations.on(sa.exec(), accepted, (o, e) -> {
            releaseShare();
            if (sa.isClosed()) {
                if (o != null) {
                    o.discard();
                }
                result.completeExceptionally(new IkeSaFailure("the IKE SA closed"));
                return;
            }
            if (o == null || o.failure() != null) {
                give(
                        o == null ? "CHILD_SA setup: " + IkeKeyDerivation.describe(e) : o.failure(),
                        o == null || o.deleteAtPeer());
            } else if (o.pending().complete() == null) {
                give("the installer refused it", true);
            } else {
                sa.tasks().finished(this);
                ChildSa c = sa.children()
                        .byInbound(IkeRandom.espSpiValue(offer.inboundSpi()))
                        .orElseThrow();
                result.complete(purpose.installed(c, lowest));
            }
        });
    }

    private void refused(NotifyPayload n) {
        int type = n.notifyType();
        if (type == NotifyType.INVALID_KE_PAYLOAD && share != null && !keRetried) {
            DhGroup named = child.espProposals().stream()
                    .flatMap(p -> p.groups().stream())
                    .filter(g -> g.id() == n.invalidKeGroup())
                    .findFirst()
                    .orElse(null);
            if (named != null) {
                LOG.info("{}: CHILD_SA {}: the responder wants {}", sa.name(), child.name(), named);
                releaseShare();
                keRetried = true;
                group = named;
                sa.tasks().keepOpen(this); // the retry is this task's again, once the new share exists
                start();
                return;
            }
        }
        releaseShare();
        sa.tasks().finished(this);
        if (purpose.refused(type)) {
            result.completeExceptionally(new IkeSaFailure(NotifyType.name(type) + " from the responder"));
            return;
        }
        if (type == NotifyType.TEMPORARY_FAILURE && tries < MAX_TRIES) {
            // §2.25: the responder is busy with this SA (e.g. rekeying the IKE SA); retry after a random short delay
            Duration delay = Duration.ofMillis(500).plus(sa.shared().random().below(Duration.ofMillis(1500)));
            LOG.info(
                    "{}: CHILD_SA {}: TEMPORARY_FAILURE, retrying in {} ms", sa.name(), child.name(), delay.toMillis());
            ChildSaCreateInitiator again = new ChildSaCreateInitiator(sa, child, purpose, result, tries + 1);
            Scheduler.Timer t = sa.shared()
                    .scheduler()
                    .schedule(
                            delay,
                            () -> sa.exec().execute(() -> {
                                if (sa.isClosed()) {
                                    again.abandon();
                                } else {
                                    sa.tasks().queue(again);
                                }
                            }));
            if (t == null) {
                again.abandon();
            }
            return;
        }
        give(NotifyType.name(type) + " from the responder", false);
    }

    /** The CHILD_SA failed; if the responder holds a half, it is told to delete it (§1.4.1). */
    private void give(String why, boolean deleteAtPeer) {
        releaseShare();
        LOG.info("{}: CHILD_SA {} failed: {}", sa.name(), child.name(), why);
        if (!sa.isClosed()) {
            sa.outputs().events().childSaFailed(sa.info(), child.name(), why);
            if (deleteAtPeer && offer != null) {
                sa.tasks()
                        .queue(new ChildSaDeleteInitiator(
                                sa, ChildSaTable.deletePayload(IkeRandom.espSpiValue(offer.inboundSpi()))));
            }
        }
        sa.tasks().finished(this);
        result.completeExceptionally(new IkeSaFailure(why));
    }

    private void releaseShare() {
        if (share != null) {
            if (!share.isDestroyed()) {
                share.destroy();
            }
            share = null;
        }
    }

    @Override
    public void onTimeout(String exchange, int tries) {
        releaseShare();
        result.completeExceptionally(new IkeSaFailure("no answer to CREATE_CHILD_SA"));
    }

    @Override
    public void abandon() {
        releaseShare();
        result.completeExceptionally(new IkeSaFailure("the IKE SA closed"));
    }
}
