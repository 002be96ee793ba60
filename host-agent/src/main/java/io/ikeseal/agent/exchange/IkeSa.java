package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.protect.FragmentReassembler;
import io.ikeseal.agent.protect.ReassemblyLimits;
import io.ikeseal.agent.protect.SkProtection;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.transport.IkeSaInbox;
import io.ikeseal.agent.transport.IkeSender;
import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.IkeSaSecrets;

/**
 * One IKE SA's state (RFC 7296 §1.2, §2.4): SPIs, where its messages go, what IKE_SA_INIT and IKE_AUTH settled, its
 * keys and CHILD_SAs, and its end. Only this class changes that state, through the methods the tasks call; its
 * {@link TaskManager} owns the message traffic. Everything runs on the SA's {@link SerialExecutor}.
 */
final class IkeSa implements IkeSaInbox {
    private static final Logger LOG = LoggerFactory.getLogger(IkeSa.class);

    private final SaShared shared;
    private final SerialExecutor exec;
    private final boolean originalInitiator;
    private final long spiI;
    private final List<Connection> candidates;
    private final TaskManager tasks;
    private final List<ChildSaRecord> children = new ArrayList<>();
    private final CompletableFuture<IkeSaInfo> established = new CompletableFuture<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final List<Runnable> onClose = new ArrayList<>();
    private long spiR;
    private IkeSaState state;
    private IkeSender path;
    private Connection connection;
    private IkeSaInitResult init;
    private IkeSaSecrets keys;
    private SkProtection protection;
    private FragmentReassembler reassembler;
    private String peerId;
    private String localAuthUsed;
    private String remoteAuthUsed;
    private Scheduler.Timer halfOpenTimer;
    private Scheduler.Timer lifetimeTimer;

    /**
     * @param connection initiator: the connection initiated; responder: null until IKE_AUTH picks one of
     *                   {@code candidates}
     */
    IkeSa(
            SaShared shared,
            boolean originalInitiator,
            long spiI,
            IkeSender path,
            Connection connection,
            List<Connection> candidates) {
        this.shared = shared;
        this.exec = new SerialExecutor(shared.workers());
        this.originalInitiator = originalInitiator;
        this.spiI = spiI;
        this.path = path;
        this.connection = connection;
        this.candidates = List.copyOf(candidates);
        this.state = originalInitiator ? IkeSaState.CONNECTING : IkeSaState.HALF_OPEN;
        this.tasks = new TaskManager(
                this,
                shared.responders(),
                shared.settings(),
                shared.scheduler(),
                shared.outputs().counters(),
                shared.responderWindow());
    }

    SerialExecutor exec() {
        return exec;
    }

    TaskManager tasks() {
        return tasks;
    }

    boolean originalInitiator() {
        return originalInitiator;
    }

    long spiI() {
        return spiI;
    }

    long spiR() {
        return spiR;
    }

    IkeSaState state() {
        return state;
    }

    boolean isClosed() {
        return state == IkeSaState.CLOSED;
    }

    IkeSender path() {
        return path;
    }

    Connection connection() {
        return connection;
    }

    List<Connection> candidates() {
        return candidates;
    }

    IkeSaInitResult init() {
        return init;
    }

    IkeSaSecrets keys() {
        return keys;
    }

    SkProtection protection() {
        return protection;
    }

    FragmentReassembler reassembler() {
        return reassembler;
    }

    ExchangeSettings settings() {
        return shared.settings();
    }

    SaOutputs outputs() {
        return shared.outputs();
    }

    CompletableFuture<IkeSaInfo> established() {
        return established;
    }

    CompletableFuture<String> closed() {
        return closed;
    }

    /** Our SPI, under which the SPI table delivers this SA's messages. */
    long ourSpi() {
        return originalInitiator ? spiI : spiR;
    }

    AuditContext auditContext() {
        return new AuditContext(
                hex(spiI),
                spiR == 0 ? null : hex(spiR),
                path.remote().getAddress().getHostAddress() + ":"
                        + path.remote().getPort());
    }

    static String hex(long spi) {
        return HexFormat.of().toHexDigits(spi);
    }

    String name() {
        return (connection != null ? connection.name() : "(unnamed)") + "[" + hex(spiI) + "_i " + hex(spiR) + "_r]";
    }

    IkeSaInfo info() {
        return new IkeSaInfo(
                connection == null ? null : connection.name(),
                originalInitiator,
                spiI,
                spiR,
                path.local(),
                path.remote(),
                connection == null ? null : connection.config().localId().toString(),
                peerId,
                init == null ? null : init.suite(),
                localAuthUsed,
                remoteAuthUsed,
                shared.tier(),
                init != null && init.nat().any(),
                init != null && init.fragmentation(),
                children,
                shared.outputs().tokenTime().peek(hex(spiI)));
    }

    @Override
    public void receive(IkeDatagram datagram, IkeSender replies) {
        exec.execute(() -> tasks.onDatagram(datagram, replies));
    }

    void onClose(Runnable r) {
        onClose.add(r);
    }

    /** §2.11, §2.23: answer a request where it came from, from where it arrived. */
    void answerVia(IkeSender replies) {
        path = replies;
    }

    /** §2.23: the initiator continues from its NAT-T socket once IKE_SA_INIT found a NAT. */
    void floatTo(IkeSender natT) {
        path = natT;
    }

    /** The responder's SPI: ours (responder, at creation) or the peer's (initiator, from its IKE_SA_INIT answer). */
    void responderSpi(long spi) {
        spiR = spi;
    }

    /** IKE_SA_INIT is done and the keys exist: protect every later message with them (§2.14). */
    void keyed(IkeSaInitResult result, IkeSaSecrets derived) {
        init = result;
        keys = derived;
        protection = originalInitiator
                ? SkProtection.originalInitiator(result.suite().protection(), derived, DecodeLimits.DEFAULT)
                : SkProtection.originalResponder(result.suite().protection(), derived, DecodeLimits.DEFAULT);
        reassembler = new FragmentReassembler(
                protection,
                ReassemblyLimits.DEFAULT,
                shared.budgets().apply(path.remote().getAddress()));
        state = IkeSaState.HALF_OPEN;
        if (!originalInitiator) {
            // §2.4: a responder drops the SA if IKE_AUTH does not complete in time.
            halfOpenTimer = shared.scheduler()
                    .schedule(
                            settings().halfOpenTimeout(),
                            () -> exec.execute(() -> {
                                if (state == IkeSaState.HALF_OPEN) {
                                    fail("half-open for "
                                            + settings().halfOpenTimeout().toSeconds() + " s without IKE_AUTH");
                                }
                            }));
        }
    }

    /** Responder: IKE_AUTH chose the connection by the peer's identity. */
    void chooseConnection(Connection c) {
        connection = c;
    }

    /** Initiator: our IKE_AUTH request is about to go. */
    void authenticating(String localAuth) {
        localAuthUsed = localAuth;
        state = IkeSaState.AUTHENTICATING;
    }

    void localAuthUsed(String localAuth) {
        localAuthUsed = localAuth;
    }

    void peerAuthenticated(String peer, String how) {
        peerId = peer;
        remoteAuthUsed = how;
    }

    void addChild(ChildSaRecord c) {
        children.add(c);
    }

    /** Removes and returns our CHILD_SAs whose outbound SPI is {@code peerInbound} (the peer's Delete, §1.4.1). */
    List<ChildSaRecord> removeChildrenSendingTo(int peerInbound) {
        List<ChildSaRecord> gone =
                children.stream().filter(c -> c.outboundSpi() == peerInbound).toList();
        children.removeAll(gone);
        return gone;
    }

    /** Established: the IKE SA lives until its configured lifetime, then is deleted (rekeying comes later). */
    void markEstablished() {
        state = IkeSaState.ESTABLISHED;
        Scheduler.cancel(halfOpenTimer);
        init = init.forgetMessages(); // AUTH is done: the IKE_SA_INIT octets are no longer needed for it
        IkeSaInfo info = info();
        LOG.info(
                "IKE_SA {} established: {} <-> {} {}, {}",
                name(),
                IkeSaInfo.address(path.local()),
                IkeSaInfo.address(path.remote()),
                init.suite().describe(),
                localAuthUsed);
        shared.outputs().events().ikeSaEstablished(info);
        established.complete(info);
        lifetimeTimer = shared.scheduler()
                .schedule(
                        connection.config().lifetime(),
                        () -> exec.execute(() -> {
                            if (state == IkeSaState.ESTABLISHED) {
                                deleteIkeSa("lifetime " + connection.config().lifetime() + " expired");
                            }
                        }));
    }

    /** Deletes the IKE SA with its CHILD_SAs (§1.4.1), or closes it at once when it is not established. */
    void deleteIkeSa(String reason) {
        if (state != IkeSaState.ESTABLISHED) {
            close(reason, true);
            return;
        }
        state = IkeSaState.DELETING;
        tasks.queue(new IkeSaDeleteInitiator(this, reason));
    }

    /** Gives up on an SA that is not established; established ones are {@link #close}d. */
    void fail(String reason) {
        if (state == IkeSaState.CLOSED) {
            return;
        }
        boolean wasEstablished = state == IkeSaState.ESTABLISHED || state == IkeSaState.DELETING;
        if (!wasEstablished) {
            LOG.info("IKE_SA {} failed: {}", name(), reason);
            shared.outputs().events().ikeSaFailed(info(), reason);
            established.completeExceptionally(new IkeSaFailure(reason));
        }
        close(reason, wasEstablished);
    }

    /**
     * Ends the SA: timers stop, CHILD_SAs are removed from the installer, keys destroyed; the SPI stays registered
     * for {@link ExchangeSettings#closedLinger()} so a retransmitted last request still gets its cached answer.
     */
    void close(String reason, boolean announce) {
        if (state == IkeSaState.CLOSED) {
            return;
        }
        boolean wasEstablished = state == IkeSaState.ESTABLISHED || state == IkeSaState.DELETING;
        state = IkeSaState.CLOSED;
        tasks.stop();
        Scheduler.cancel(halfOpenTimer);
        Scheduler.cancel(lifetimeTimer);
        for (ChildSaRecord c : children) {
            try {
                shared.outputs().installer().remove(c);
            } catch (RuntimeException e) {
                LOG.warn("{}: removing CHILD_SA {} failed: {}", name(), c.describe(), e.toString());
            }
        }
        IkeSaInfo info = info();
        children.clear();
        destroyKeys();
        if (!established.isDone()) {
            established.completeExceptionally(new IkeSaFailure(reason));
        }
        if (wasEstablished && announce) {
            LOG.info("IKE_SA {} deleted: {}", name(), reason);
            shared.outputs().events().ikeSaDeleted(info, reason);
        }
        shared.outputs().tokenTime().take(hex(spiI));
        onClose.forEach(Runnable::run);
        closed.complete(reason);
        if (settings().closedLinger().isZero()
                || ourSpi() == 0
                || !tasks.hasCachedResponse()
                || shared.scheduler().schedule(settings().closedLinger(), this::unregister) == null) {
            unregister();
        }
    }

    private void unregister() {
        if (ourSpi() != 0) {
            shared.spis().unregister(ourSpi(), this);
        }
    }

    private void destroyKeys() {
        if (reassembler != null) {
            reassembler.clear();
        }
        if (protection != null) {
            protection.destroy();
        }
        if (keys != null) {
            keys.destroy();
        }
        init = init == null ? null : init.forgetMessagesAndNonces();
    }

    @Override
    public String toString() {
        return "IkeSa[" + name() + " " + state + "]";
    }
}
