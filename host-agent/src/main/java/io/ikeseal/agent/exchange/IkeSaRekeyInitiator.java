package io.ikeseal.agent.exchange;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.proposal.ProposalSelection;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.KeyExchangePayload;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.Proposal;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.IkeCrypto;
import io.ikeseal.hsm.api.IkeSaKeyInputs;
import io.ikeseal.hsm.api.InvalidPeerValueException;
import io.ikeseal.hsm.api.KeyShare;

/**
 * IKE SA rekey as initiator (RFC 7296 §1.3.2, §2.18): CREATE_CHILD_SA with SA (protocol IKE, our new initiator SPI),
 * Ni, KEi; the answer's SA (the peer's new SPI), Nr, KEr key the new SA in the token from the old SK_d. One retry
 * with the group an INVALID_KE_PAYLOAD names; TEMPORARY_FAILURE is retried after a random short delay, a bounded
 * number of times (§2.25); a token failure (e.g. the old SK_d's session was reopened) falls back to reauthentication
 * where we can initiate. {@link IkeSaRekeys} decides what the completed exchange means. Every key share is used or
 * destroyed.
 */
final class IkeSaRekeyInitiator implements InitiatorTask {
    private static final int MAX_ATTEMPTS = 3;

    private final IkeSa old;
    private final IkeCrypto crypto;
    private final int attempt;
    /** The group of the first KE; null: the old SA's, as strongSwan does, if still offered. */
    private final DhGroup guess;

    private final byte[] ni;
    private IkeSa now;
    private List<Proposal> sent = List.of();
    private List<DhGroup> groups = List.of();
    private KeyShare share;
    private boolean keRetried;

    private IkeSaRekeyInitiator(IkeSa old, int attempt, DhGroup guess) {
        this.old = old;
        this.guess = guess;
        this.crypto = old.shared().crypto();
        this.attempt = attempt;
        this.ni = old.shared().random().bytes(Math.max(IkeSaInitInitiator.NONCE_LENGTH, prfLength(old)));
    }

    private static int prfLength(IkeSa sa) {
        return sa.init() == null ? 0 : sa.init().suite().prf().outputLength();
    }

    /** Rekeys {@code old} (on its executor); completes with the surviving new SA. */
    static CompletableFuture<IkeSaInfo> queue(IkeSa old) {
        return queue(old, null);
    }

    /** As {@link #queue(IkeSa)}, with the first KE in {@code guess} (a test scripts an INVALID_KE_PAYLOAD). */
    static CompletableFuture<IkeSaInfo> queue(IkeSa old, DhGroup guess) {
        CompletableFuture<IkeSaInfo> done = new CompletableFuture<>();
        if (old.state() != IkeSaState.ESTABLISHED) {
            done.completeExceptionally(new IkeSaFailure("the IKE SA is " + old.state() + ", not ESTABLISHED"));
        } else if (old.rekeys().start(done)) {
            old.tasks().queue(new IkeSaRekeyInitiator(old, 1, guess));
        }
        return done;
    }

    @Override
    public void start() {
        List<ConfiguredProposal> usable = ServedProposals.usable(
                crypto.dhGroups(), old.connection().config().proposals());
        if (old.state() != IkeSaState.ESTABLISHED || usable.isEmpty()) {
            giveUp(old.state() != IkeSaState.ESTABLISHED ? "the IKE SA is " + old.state() : "no usable proposal");
            old.tasks().finished(this);
            return;
        }
        now = RekeyedIkeSa.initiator(old);
        List<Proposal> wire = new ArrayList<>();
        List<DhGroup> offered = new ArrayList<>();
        for (ConfiguredProposal p : usable) {
            wire.add(p.toWire(wire.size() + 1, IkeSaKeyInputs.spi(now.spiI()), true));
            p.groups().stream().filter(g -> !offered.contains(g)).forEach(offered::add);
        }
        sent = wire;
        groups = offered;
        DhGroup current = guess != null ? guess : old.init().suite().group();
        withGroup(groups.contains(current) ? current : groups.getFirst());
    }

    private void withGroup(DhGroup group) {
        Continuations.on(old.exec(), crypto.generateShare(group, old.auditContext()), (s, e) -> {
            if (e != null) {
                giveUp("DH key pair for " + group.proposalName() + " failed: " + IkeKeyDerivation.describe(e));
                old.tasks().finished(this); // no request went out for this attempt
            } else if (old.isClosed() || now == null) {
                s.destroy();
            } else {
                share = s;
                old.tasks()
                        .send(
                                this,
                                ExchangeType.CREATE_CHILD_SA,
                                List.of(
                                        new SecurityAssociationPayload(sent),
                                        new NoncePayload(ni),
                                        new KeyExchangePayload(s.group().id(), s.keyExchangeData())));
            }
        });
    }

    @Override
    public void onResponse(IkeMessage m, IkeDatagram dg) {
        Optional<NotifyPayload> ke = m.notification(NotifyType.INVALID_KE_PAYLOAD);
        if (ke.isPresent()) {
            Optional<DhGroup> wanted = DhGroup.byId(ke.get().invalidKeGroup());
            if (keRetried || wanted.isEmpty() || !groups.contains(wanted.get()) || wanted.get() == share.group()) {
                giveUp("INVALID_KE_PAYLOAD: the peer wants group " + ke.get().invalidKeGroup());
                return;
            }
            keRetried = true;
            share.destroy();
            share = null;
            old.tasks().keepOpen(this); // the retry is this task's again, once the new share exists
            withGroup(wanted.get());
            return;
        }
        if (m.notification(NotifyType.TEMPORARY_FAILURE).isPresent()
                && attempt < MAX_ATTEMPTS
                && !old.rekeys().replaced()) {
            release();
            Duration delay =
                    Duration.ofMillis(200 + Math.floorMod(old.shared().random().ikeSpi(), 1800L));
            old.shared().scheduler().schedule(delay, () -> old.exec().execute(this::retry));
            return;
        }
        Optional<NotifyPayload> error = m.error();
        if (error.isPresent()) {
            giveUp(NotifyType.name(error.get().notifyType()) + " from the peer");
            return;
        }
        accept(m);
    }

    /** §2.25: once more after TEMPORARY_FAILURE, unless the SA is no longer ours to rekey. */
    private void retry() {
        if (old.state() == IkeSaState.ESTABLISHED && !old.rekeys().replaced()) {
            old.tasks().queue(new IkeSaRekeyInitiator(old, attempt + 1, guess));
        } else {
            old.rekeys().failed(old, new IkeSaFailure("the IKE SA changed while the rekey waited to retry"));
        }
    }

    private void accept(IkeMessage m) {
        Optional<SecurityAssociationPayload> saPayload = m.first(SecurityAssociationPayload.class);
        Optional<KeyExchangePayload> ke = m.first(KeyExchangePayload.class);
        Optional<NoncePayload> nr = m.first(NoncePayload.class);
        if (saPayload.isEmpty() || ke.isEmpty() || nr.isEmpty()) {
            giveUp("CREATE_CHILD_SA response without " + (saPayload.isEmpty() ? "SA" : ke.isEmpty() ? "KE" : "Nr"));
            return;
        }
        Optional<IkeSuite> suite = ProposalSelection.acceptIke(saPayload.get().proposals(), sent);
        byte[] spi = saPayload.get().proposals().getFirst().spi();
        long spiR = spi.length == 8 ? ByteBuffer.wrap(spi).getLong() : 0;
        if (suite.isEmpty() || spiR == 0) {
            giveUp(suite.isEmpty() ? "the peer chose a proposal we did not offer" : "the peer's new SPI is missing");
            return;
        }
        if (ke.get().dhGroup() != suite.get().group().id() || suite.get().group() != share.group()) {
            giveUp("the peer's KE is group " + ke.get().dhGroup() + ", not the negotiated one");
            return;
        }
        if (nr.get().nonce().length < suite.get().prf().outputLength() / 2) {
            giveUp("Nr shorter than half the PRF's key size (RFC 7296 §2.10)");
            return;
        }
        byte[] peerNonce = nr.get().nonce();
        IkeSuite s = suite.get();
        IkeSaKeyInputs in = new IkeSaKeyInputs(
                s.prf(),
                ni,
                peerNonce,
                IkeSaKeyInputs.spi(now.spiI()),
                spi,
                s.protection().integrityKeyLength(),
                s.protection().encryptionKeyLength());
        RekeyedIkeSa.Inherited from = RekeyedIkeSa.Inherited.from(old);
        KeyShare mine = share;
        share = null;
        IkeSa made = now;
        Continuations.on(
                old.exec(),
                crypto.rekeyedIkeSaKeys(
                        old.keys().skD(),
                        old.init().suite().prf(),
                        mine,
                        ke.get().keyExchangeData(),
                        in,
                        old.auditContext()),
                (keys, e) -> {
                    if (e != null) {
                        tokenFailed(e);
                    } else if (old.isClosed() || now != made) {
                        keys.destroy();
                        giveUp("the IKE SA ended during the rekey");
                    } else {
                        now = null;
                        RekeyedIkeSa.establish(made, from, spiR, ni, peerNonce, s, null, keys);
                        old.rekeys().completed(old, new IkeSaRekeys.Outcome(made, ni, peerNonce, true));
                    }
                });
    }

    /** An invalid KE value fails the rekey; a failing token (old SK_d gone) falls back to reauthentication. */
    private void tokenFailed(Throwable e) {
        Throwable c = e.getCause() != null ? e.getCause() : e;
        if (c instanceof InvalidPeerValueException
                || old.isClosed()
                || old.rekeys().replaced()
                || !Reauthentication.possible(old)) {
            giveUp("key derivation failed: " + IkeKeyDerivation.describe(e));
            return;
        }
        release();
        old.rekeys().failedOver(Reauthentication.start(old));
    }

    @Override
    public void onTimeout(String exchange, int tries) {
        giveUp("no answer to the rekey");
    }

    @Override
    public void abandon() {
        giveUp("the IKE SA closed");
    }

    /** This attempt's new SA and key share go; the rekey has failed unless the peer's own replaced the SA. */
    private void giveUp(String why) {
        release();
        old.rekeys().failed(old, new IkeSaFailure("IKE SA rekey: " + why));
    }

    private void release() {
        if (share != null) {
            share.destroy();
            share = null;
        }
        if (now != null) {
            IkeSa n = now;
            now = null;
            n.exec().execute(() -> n.close("rekey not completed", false));
        }
    }
}
