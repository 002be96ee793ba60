package io.ikeseal.agent.exchange;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.transport.IkeSaInbox;
import io.ikeseal.agent.transport.IkeSender;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.Urgency;

/**
 * One IKE SA's state (RFC 7296 §1.2, §2.4): SPIs, where its messages go, what IKE_SA_INIT and IKE_AUTH settled, its
 * keys and CHILD_SAs, and its end. Only this class changes that state, through the methods the tasks call; its
 * {@link TaskManager} owns the message traffic. Everything runs on the SA's {@link SerialExecutor}.
 */
final class IkeSa implements IkeSaInbox {
    private final SaShared shared;
    private final SerialExecutor exec;
    private final boolean originalInitiator;
    private final long spiI;
    private final List<Connection> candidates;
    private final TaskManager tasks;
    private final ChildSaTable children;
    private final IkeSaLifecycle life;
    private long spiR;
    private IkeSender path;
    private Connection connection;
    private IkeSaInitResult init;
    private IkeSaProtection protection;
    private PeerReassemblyBudgets.Lease budget;
    private final SaAuthentication auth = new SaAuthentication();
    private final IkeSaRekeys rekeys = new IkeSaRekeys();
    /** Responder: the peer authenticated from this address lately (see {@link ProvenPeers}). */
    private boolean knownPeer;

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
        this.tasks = new TaskManager(this, shared);
        this.children = new ChildSaTable(this);
        this.life = new IkeSaLifecycle(this, shared, originalInitiator);
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
        return life.state();
    }

    boolean isClosed() {
        return life.state() == IkeSaState.CLOSED;
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
        return protection == null ? null : protection.keys();
    }

    /** The protection of this SA's messages; null before IKE_SA_INIT's keys exist. */
    IkeSaProtection protection() {
        return protection;
    }

    ChildSaTable children() {
        return children;
    }

    SaAuthentication auth() {
        return auth;
    }

    /** This SA's IKE SA rekeys in progress, ours and the peer's (RFC 7296 §2.8.2). */
    IkeSaRekeys rekeys() {
        return rekeys;
    }

    /** What every SA of the gateway shares, and what tasks starting further exchanges are made with. */
    SaShared shared() {
        return shared;
    }

    ExchangeSettings settings() {
        return shared.settings();
    }

    SaOutputs outputs() {
        return shared.outputs();
    }

    CompletableFuture<IkeSaInfo> established() {
        return life.established();
    }

    CompletableFuture<String> closed() {
        return life.closed();
    }

    /** Our SPI, under which the SPI table delivers this SA's messages. */
    long ourSpi() {
        return originalInitiator ? spiI : spiR;
    }

    /**
     * Where our token work happens, and which token queue it waits in: a responder SA's IKE_SA_INIT work is what any
     * request that passed admission can cause, so it waits behind the work of SAs past IKE_SA_INIT (their peer
     * answered from its address, RFC 7296 §2.6), of SAs of known peers and of SAs we initiated (issue 9: IKE_AUTH
     * before new SAs).
     */
    AuditContext auditContext() {
        return new AuditContext(
                hex(spiI),
                spiR == 0 ? null : hex(spiR),
                path.remote().getAddress().getHostAddress() + ":"
                        + path.remote().getPort(),
                originalInitiator || knownPeer || init != null ? Urgency.HIGH : Urgency.LOW);
    }

    /** Responder, before its IKE_SA_INIT work starts: admitted as a known peer, so that work is HIGH too. */
    void knownPeer() {
        knownPeer = true;
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
                auth.peerId(),
                init == null ? null : init.suite(),
                auth.local(),
                auth.remote(),
                shared.tier(),
                init != null && init.nat().natSeen(),
                init != null && init.fragmentation(),
                children.list(),
                shared.outputs().tokenTime().peek(hex(spiI)));
    }

    @Override
    public void receive(IkeDatagram datagram, IkeSender replies) {
        if (!exec.offer(() -> tasks.onDatagram(datagram, replies))) {
            shared.outputs().counters().countSa("sa-queue-full"); // see SerialExecutor: as lost, the peer retransmits
        }
    }

    void onClose(Runnable r) {
        life.onClose(r);
    }

    /** Its life: why it ends ({@code ending}, {@code end}), liveness, a dead peer (issue 10). */
    IkeSaLifecycle life() {
        return life;
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
        budget = shared.budgets().acquire(path.remote().getAddress());
        protection = new IkeSaProtection(originalInitiator, result.suite(), derived, budget.budget());
        outputs().keyLog().ikeSaKeyed(spiI, spiR, result.suite().protection(), derived);
        life.keyed(!originalInitiator);
    }

    /** Responder: IKE_AUTH chose the connection by the peer's identity. */
    void chooseConnection(Connection c) {
        connection = c;
    }

    /** Initiator: our IKE_AUTH request is about to go. */
    void authenticating(String localAuth) {
        auth.local(localAuth);
        life.authenticating();
    }

    /** IKE_AUTH is done: what only IKE_SA_INIT and IKE_AUTH needed goes ({@link IkeSaInitResult#authenticated}). */
    void markEstablished() {
        markEstablished(() -> {});
    }

    /** As {@link #markEstablished()}, installing {@code children} once the state says ESTABLISHED (issue 9 item 5). */
    void markEstablished(Runnable children) {
        init = init.authenticated();
        protection.authenticated();
        life.established(auth.local(), children);
    }

    /** Deletes the IKE SA with its CHILD_SAs (§1.4.1), or closes it at once when it is not established. */
    void deleteIkeSa(String reason) {
        life.delete(reason);
    }

    /** Gives up on an SA that is not established; established ones are {@link #close}d. */
    void fail(String reason) {
        life.fail(reason);
    }

    /** Ends the SA ({@link IkeSaLifecycle#close}). */
    void close(String reason, boolean announce) {
        life.close(reason, announce);
    }

    /** The SA has ended: its keys go (SK_d's handle dropped, host keys zeroized), its nonces and octets too. */
    void destroyKeys() {
        if (protection != null) {
            outputs().keyLog().ikeSaEnded(spiI, spiR);
            protection.destroy();
        }
        if (budget != null) {
            budget.release(); // after the reassemblies gave their octets back
        }
        init = init == null ? null : init.forgetMessagesAndNonces();
    }

    @Override
    public String toString() {
        return "IkeSa[" + name() + " " + life.state() + "]";
    }
}
