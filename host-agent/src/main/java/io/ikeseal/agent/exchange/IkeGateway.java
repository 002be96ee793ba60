package io.ikeseal.agent.exchange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.IkeSaEnd;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.transport.IkeSaInitListener;
import io.ikeseal.agent.transport.IkeSender;
import io.ikeseal.agent.transport.IkeSpiTable;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.hsm.api.IkeCrypto;

/**
 * The IKE SAs of one daemon: those we initiate and those peers start (through {@link #listener()}), and their
 * orderly end. It is where the exchanges are put together: which tasks answer which requests
 * ({@link ResponderTable}), and what each task is given. Each SA runs on its own serial executor.
 */
public final class IkeGateway {
    private final IkeCrypto crypto;
    private final ExchangeSettings settings;
    private final IkeRandom random;
    private final IkeSpiTable spis;
    private final ChildSaNegotiation negotiation;
    private final SaShared shared;
    private final LiveIkeSas live = new LiveIkeSas();
    private final ConnectionSet active;
    private final ResponderSessions responders;

    /** The peer's requests are worked on {@link ExchangeSettings#windowSize()} at a time (RFC 7296 §2.3). */
    public IkeGateway(
            IkeCrypto crypto,
            Credentials credentials,
            SaOutputs outputs,
            ExchangeSettings settings,
            Scheduler scheduler,
            IkeRandom random,
            IkeSpiTable spis,
            Cookies cookies,
            List<Connection> connections,
            Executor workers) {
        this.crypto = crypto;
        this.active = new ConnectionSet(connections, credentials, live);
        this.settings = settings;
        this.random = random;
        this.spis = spis;
        this.negotiation = new ChildSaNegotiation(crypto, random, outputs, scheduler.clock());
        this.shared = new SaShared(
                workers,
                scheduler,
                settings,
                outputs,
                spis,
                live,
                crypto.tier(),
                // The reassembly memory one peer address may hold across all its SAs (RFC 7383 §2.6).
                new PeerReassemblyBudgets(),
                responderTable(),
                crypto,
                random,
                negotiation,
                active);
        this.responders = new ResponderSessions(
                workers, cookies, settings, scheduler, outputs.counters(), new ResponderSessions.Starter() {
                    @Override
                    public IkeSa create(IkeDatagram request, IkeSender replies) {
                        return newResponder(request, replies);
                    }

                    @Override
                    public void begin(IkeSa sa, IkeDatagram request, Runnable answered) {
                        sa.exec()
                                .execute(() -> new IkeSaInitResponder(
                                                sa,
                                                crypto,
                                                random,
                                                settings.fragmentation(),
                                                active.credentials().anchors(),
                                                responders.refusals(),
                                                answered)
                                        .handle(request.message(), request));
                    }
                });
    }

    /** The requests an SA answers, by exchange and state (RFC 7296 §1.2-§1.4); everything else is dropped. */
    private ResponderTable responderTable() {
        return ResponderTable.builder()
                .on(
                        ExchangeType.IKE_AUTH,
                        sa -> sa.originalInitiator()
                                ? null
                                : new IkeAuthResponder(sa, active.now(), negotiation, crypto.dhGroups()),
                        IkeSaState.HALF_OPEN)
                .on(
                        ExchangeType.INFORMATIONAL,
                        sa -> new InformationalResponder(sa, sa.outputs()),
                        IkeSaState.ESTABLISHED,
                        IkeSaState.DELETING,
                        IkeSaState.REKEYED)
                .on(ExchangeType.CREATE_CHILD_SA, CreateChildSaResponder::new, IkeSaState.ESTABLISHED)
                .on(ExchangeType.CREATE_CHILD_SA, BusyResponder::new, IkeSaState.REKEYED, IkeSaState.DELETING)
                .build();
    }

    /** Hears of each IKE SA's end (issue 10: connection supervision decides by the cause). */
    @FunctionalInterface
    public interface SaEndListener {
        /**
         * An IKE SA ended.
         *
         * @param connection     the SA's connection, null if IKE_AUTH never chose one
         * @param wasEstablished whether it was established before it ended
         * @param cause          why it ended
         */
        void ended(String connection, boolean wasEstablished, IkeSaEnd cause);
    }

    /** {@code listener} hears of every IKE SA's end, on that SA's executor: it must not block. */
    public void onIkeSaEnd(SaEndListener listener) {
        live.onEnd(listener);
    }

    /** Whether an established IKE SA of connection {@code name} exists; does not wait for any SA. */
    public boolean hasEstablished(String name) {
        return live.anyEstablished(name);
    }

    /** The connections and credentials handshakes use now; a reload replaces them (see {@link ConnectionSet}). */
    public ConnectionSet connections() {
        return active;
    }

    /** Give this to the transport: it starts responder SAs. */
    public IkeSaInitListener listener() {
        return responders;
    }

    public int halfOpenCount() {
        return responders.halfOpenCount();
    }

    /** Peer addresses holding a reassembly budget of their own (one per peer with a keyed IKE SA, capped). */
    public int reassemblyBudgets() {
        return shared.budgets().size();
    }

    /** IKE SAs not closed yet, in any state. */
    public int liveSas() {
        return live.size();
    }

    /** IKE SAs registered under one of our SPIs (established, half-open or lingering after close). */
    public int registeredSpis() {
        return spis.size();
    }

    private IkeSa newResponder(IkeDatagram dg, IkeSender replies) {
        List<Connection> candidates = active.matching(dg.recipient().getAddress(), dg.sender());
        IkeSa sa = new IkeSa(shared, false, dg.message().header().initiatorSpi(), replies, null, candidates);
        long spiR;
        do {
            spiR = random.ikeSpi();
            sa.responderSpi(spiR);
        } while (!spis.register(spiR, sa));
        track(sa);
        return sa;
    }

    /**
     * Initiates {@code connection} over {@code path} (our IKE socket to the peer's IKE port). Completes with the
     * established IKE SA (its first CHILD_SA included, or listed as failed through {@link io.ikeseal.agent.sa.SaEvents})
     * or fails with {@link IkeSaFailure} naming the peer's error or our failed check.
     */
    public CompletableFuture<IkeSaInfo> initiate(Connection connection, IkeSender path) {
        IkeSa sa;
        do {
            sa = new IkeSa(shared, true, random.ikeSpi(), path, connection, List.of());
        } while (!spis.register(sa.spiI(), sa));
        track(sa);
        IkeSa s = sa;
        s.exec()
                .execute(() -> s.tasks()
                        .queue(new IkeSaInitInitiator(
                                s,
                                crypto,
                                random,
                                settings.fragmentation(),
                                keyed -> new IkeAuthInitiator(keyed, active.credentials(), negotiation))));
        return s.established();
    }

    private void track(IkeSa sa) {
        live.track(sa);
    }

    /** Snapshots of the established IKE SAs. */
    public List<IkeSaInfo> established() {
        List<CompletableFuture<IkeSaInfo>> infos = new ArrayList<>();
        for (IkeSa s : live.all()) {
            CompletableFuture<IkeSaInfo> f = new CompletableFuture<>();
            s.exec().execute(() -> f.complete(s.state() == IkeSaState.ESTABLISHED ? s.info() : null));
            infos.add(f);
        }
        List<IkeSaInfo> out = new ArrayList<>();
        for (CompletableFuture<IkeSaInfo> f : infos) {
            IkeSaInfo i =
                    f.orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            if (i != null) {
                out.add(i);
            }
        }
        return out;
    }

    /** The live SA with initiator SPI {@code spiI}. */
    Optional<IkeSa> sa(long spiI) {
        return live.withInitiatorSpi(spiI);
    }

    /**
     * Checks that the peer of the established SA with initiator SPI {@code spiI} is alive (RFC 7296 §1.4); false if
     * there is no such SA or the peer does not answer.
     */
    public CompletableFuture<Boolean> checkLiveness(long spiI) {
        return sa(spiI).map(s -> {
                    LivenessCheckInitiator check = new LivenessCheckInitiator(s);
                    s.exec().execute(() -> s.tasks().queue(check));
                    return check.alive();
                })
                .orElse(CompletableFuture.completedFuture(false));
    }

    /** Rekeys the IKE SA with initiator SPI {@code spiI} (RFC 7296 §2.18); completes with the new SA. */
    public CompletableFuture<IkeSaInfo> rekeyIkeSa(long spiI) {
        return IkeSaRequests.onSa(sa(spiI), spiI, IkeSaRekeyInitiator::queue);
    }

    /** Reauthenticates that IKE SA, make before break (§2.8.3); completes with the new SA. */
    public CompletableFuture<IkeSaInfo> reauthenticate(long spiI) {
        return IkeSaRequests.onSa(sa(spiI), spiI, Reauthentication::start);
    }

    /** One more CHILD_SA, the connection's child {@code childName}, on IKE SA {@code spiI} (§1.3.1). */
    public CompletableFuture<io.ikeseal.agent.sa.ChildSaRecord> initiateChild(long spiI, String childName) {
        return ChildSaRequests.initiate(sa(spiI), spiI, childName);
    }

    /** Rekeys our CHILD_SA {@code inboundSpi} of IKE SA {@code spiI} (§1.3.3); completes with its successor. */
    public CompletableFuture<io.ikeseal.agent.sa.ChildSaRecord> rekeyChild(long spiI, int inboundSpi) {
        return ChildSaRequests.rekey(sa(spiI), spiI, inboundSpi);
    }

    /** Ends every SA at once without a Delete exchange, as a crash would; the peer finds out by DPD (§2.4). */
    public void dropAll(String reason) {
        for (IkeSa s : live.all()) {
            s.exec().execute(() -> s.close(reason, true));
        }
    }

    /** Admits no new IKE SA from peers any more (the daemon is stopping; {@link #deleteAll} ends those there are). */
    public void stopAdmitting() {
        responders.stop();
    }

    /**
     * Deletes every established IKE SA (INFORMATIONAL Delete, §1.4.1) and drops the others, waiting at most
     * {@code timeout} for the peers' answers.
     */
    public void deleteAll(String reason, Duration timeout) {
        List<CompletableFuture<String>> closing = new ArrayList<>();
        for (IkeSa s : live.all()) {
            closing.add(s.closed());
            s.exec().execute(() -> {
                if (s.state() == IkeSaState.ESTABLISHED) {
                    s.deleteIkeSa(reason);
                } else {
                    s.fail(reason);
                }
            });
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            for (IkeSa s : live.all()) {
                s.exec().execute(() -> s.close(reason + " (no answer in time)", true));
            }
        }
    }
}
