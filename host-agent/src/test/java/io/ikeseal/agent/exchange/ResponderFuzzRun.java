package io.ikeseal.agent.exchange;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.WireWriter;
import io.ikeseal.hsm.api.DhGroup;

/**
 * One run of {@link ResponderFuzzTest}: a responder gateway and a real initiator on the in-memory harness, all on
 * the test's thread, and the steps the fuzz input names. Octet 0 of the input chooses the setup (bit 0 certificates
 * instead of the PSK, bit 1 a window of 2, bit 2 a COOKIE for every IKE_SA_INIT); then each step is one octet naming
 * it ({@link Step}) and the octets it reads. Each step checks what it may cost; {@link ResponderFuzzTest} checks the
 * state left after the run.
 */
final class ResponderFuzzRun {
    /** Steps in one run: enough for a handshake, a few exchanges and timeouts; bounds each input's time. */
    static final int MAX_STEPS = 48;
    /** Largest datagram the responder may send: its IKE_AUTH answer with a certificate stays far below. */
    static final int MAX_ANSWER_OCTETS = 2048;
    /** Datagrams the responder may send for one delivered datagram (a fragmented answer at most). */
    static final int MAX_ANSWERS_PER_DATAGRAM = 8;

    /** What one step does, by octet value modulo the number of steps. */
    enum Step {
        /** Delivers one of the initiator's pending datagrams as sent. */
        DELIVER,
        /** Delivers a pending or earlier datagram with octets changed, from some source. */
        MUTATE,
        /** Delivers an earlier datagram again, from some source (a retransmission or a replay). */
        REPLAY,
        /** Delivers octets from the input, optionally under the SA's SPIs. */
        RAW,
        /** Moves the clock: retransmissions, the half-open timeout, lifetimes. */
        ADVANCE,
        /** Seals a recorded or input plaintext, mutated, under the SA's keys as the initiator would. */
        SEALED,
        /** The real initiator starts an exchange: liveness check, CHILD_SA Delete or IKE SA Delete. */
        INITIATE,
        /** Delivers every pending datagram, in order. */
        DELIVER_ALL
    }

    static final SoftwareSigner BRANCH_SIGNER = new SoftwareSigner("branch.example");
    static final SoftwareSigner GATEWAY_SIGNER = new SoftwareSigner("gw.example");
    private static final String IKE = "aes256gcm16-prfsha256-ecp256";
    private static final InetSocketAddress[] SOURCES = {
        ExchangePair.BRANCH,
        address("192.0.2.9", 500),
        address("198.51.100.7", 500),
        address("2001:db8::7", 500),
        address("192.0.2.1", 4500)
    };
    private static final Duration[] ADVANCES = {
        Duration.ofMillis(100),
        Duration.ofSeconds(2),
        Duration.ofSeconds(10),
        Duration.ofSeconds(31),
        Duration.ofMinutes(5),
        Duration.ofHours(5)
    };
    private static final ExchangeType[] SEALED_TYPES = {
        ExchangeType.IKE_AUTH, ExchangeType.INFORMATIONAL, ExchangeType.CREATE_CHILD_SA, ExchangeType.IKE_SA_INIT
    };

    final ManualScheduler scheduler = new ManualScheduler();
    final ExchangeSettings settings;
    final ExchangePair.Side initiator;
    final ExchangePair.Side responder;
    final FuzzWire wire;
    private final boolean signatures;
    private KnownKeys keys;
    private long initiatorSpi;
    private long nextId = 1;
    private int sealedIkeSaInits;

    ResponderFuzzRun(int setup) {
        signatures = (setup & 1) != 0;
        ExchangeSettings s = ExchangeSettings.DEFAULT.withWindow((setup & 2) != 0 ? 2 : 1);
        settings = (setup & 4) != 0 ? s.withHalfOpen(s.halfOpenTimeout(), 0) : s;
        ConnectionConfig.AuthKind auth = signatures ? ConnectionConfig.AuthKind.PUBKEY : ConnectionConfig.AuthKind.PSK;
        initiator = new ExchangePair.Side(
                ExchangePair.config(
                        "gateway",
                        ExchangePair.BRANCH,
                        ExchangePair.GATEWAY,
                        "branch.example",
                        "gw.example",
                        List.of(IKE),
                        auth),
                Set.of(DhGroup.ECP_256),
                settings,
                scheduler,
                settings.windowSize(),
                signatures ? BRANCH_SIGNER : null);
        responder = new ExchangePair.Side(
                ExchangePair.config(
                        "branch", ExchangePair.GATEWAY, null, "gw.example", "branch.example", List.of(IKE), auth),
                Set.of(DhGroup.ECP_256, DhGroup.ECP_384),
                settings,
                scheduler,
                settings.windowSize(),
                signatures ? GATEWAY_SIGNER : null);
        initiator.crypto.pooledKeys();
        responder.crypto.pooledKeys();
        wire = new FuzzWire(initiator, responder, sent -> learnKeys());
    }

    /** Token operations of the responder so far: the key-exchange port's calls and its AUTH signatures. */
    int tokenOperations() {
        return responder.crypto.totalCalls() + (signatures ? GATEWAY_SIGNER.signatures() : 0);
    }

    void run(FuzzInput in) throws Exception {
        var _ = initiator.gateway.initiate(initiator.connection, wire.initiatorPath());
        initiatorSpi = header(wire.pending.getFirst()).initiatorSpi();
        Step[] steps = Step.values();
        for (int n = 0; n < MAX_STEPS && in.more(); n++) {
            switch (steps[in.u8() % steps.length]) {
                case DELIVER -> {
                    if (!wire.pending.isEmpty()) {
                        deliver(wire.pending.remove(in.u8() % wire.pending.size()), ExchangePair.BRANCH);
                    }
                }
                case MUTATE -> mutate(in);
                case REPLAY -> {
                    int i = in.u8();
                    InetSocketAddress from = in.pick(SOURCES);
                    if (!wire.seen.isEmpty()) {
                        deliver(wire.seen.get(i % wire.seen.size()), from);
                    }
                }
                case RAW -> raw(in);
                case ADVANCE -> scheduler.advance(in.pick(ADVANCES));
                case SEALED -> sealed(in);
                case INITIATE -> initiate(in.u8());
                case DELIVER_ALL -> {
                    List<byte[]> all = new ArrayList<>(wire.pending);
                    wire.pending.clear();
                    for (byte[] d : all) {
                        deliver(d, ExchangePair.BRANCH);
                    }
                }
            }
        }
    }

    private void mutate(FuzzInput in) {
        List<byte[]> from = wire.pending.isEmpty() ? wire.seen : wire.pending;
        int i = in.u8();
        InetSocketAddress source = in.pick(SOURCES);
        int edits = in.u8() % 5;
        if (from.isEmpty()) {
            return;
        }
        byte[] d = from.get(i % from.size()).clone();
        for (int e = 0; e < edits; e++) {
            int at = in.u16() % d.length;
            d[at] ^= (byte) in.u8();
        }
        if ((in.u8() & 1) != 0 && d.length >= IkeHeader.LENGTH) {
            new WireWriter(d, 24).u32(d.length); // §3.1 Length: else most changes end at the decoder
        }
        deliver(d, source);
    }

    private void raw(FuzzInput in) {
        int flags = in.u8();
        byte[] d = in.bytes(in.u16() % 4096);
        if ((flags & 1) != 0 && keys != null && d.length >= 16) {
            new WireWriter(d, 0).u64(keys.spiI).u64(keys.spiR);
        }
        if ((flags & 2) != 0 && d.length >= IkeHeader.LENGTH) {
            new WireWriter(d, 24).u32(d.length);
        }
        deliver(d, SOURCES[(flags >> 2) % SOURCES.length]);
    }

    private void sealed(FuzzInput in) throws Exception {
        int flags = in.u8();
        int typeOctet = in.u8();
        int idChoice = in.u8();
        long anyId = in.u32();
        int plaintext = in.u8();
        List<RecordedPlaintexts.Plaintext> recorded = RecordedPlaintexts.ALL;
        int first;
        byte[] chain;
        int type;
        if (plaintext < 0xf0) {
            RecordedPlaintexts.Plaintext p = recorded.get(plaintext % recorded.size());
            first = p.first();
            chain = p.chain().clone();
            type = (flags & 0x10) != 0
                    ? SEALED_TYPES[typeOctet % SEALED_TYPES.length].code()
                    : p.exchange().code();
        } else {
            first = in.u8();
            chain = in.bytes(in.u16() % 2048);
            type = (flags & 0x10) != 0 ? typeOctet : SEALED_TYPES[typeOctet % SEALED_TYPES.length].code();
        }
        int edits = in.u8() % 5;
        for (int e = 0; e < edits && chain.length > 0; e++) {
            int at = in.u16() % chain.length;
            chain[at] ^= (byte) in.u8();
        }
        if (keys == null) {
            return;
        }
        if ((flags & 0x20) != 0 && type == ExchangeType.IKE_AUTH.code()) {
            byte[] authentic = keys.withValidAuth(first, chain);
            chain = authentic == null ? chain : authentic;
        }
        long id = switch (idChoice % 4) {
            case 0 -> nextId;
            case 1 -> nextId - 1;
            case 2 -> idChoice >> 2;
            default -> anyId;
        };
        int headerFlags =
                ((flags & 1) != 0 ? 0 : IkeHeader.FLAG_INITIATOR) | ((flags & 2) != 0 ? IkeHeader.FLAG_RESPONSE : 0);
        IkeHeader h = new IkeHeader(
                keys.spiI, (flags & 4) != 0 ? 0 : keys.spiR, 0, IkeHeader.MAJOR_VERSION, 0, type, headerFlags, id, 0);
        if (type == ExchangeType.IKE_SA_INIT.code() && sealedIkeSaInits++ > 2) {
            return; // a few are enough: each may start an SA, and the run is about what follows
        }
        if ((flags & 8) != 0 && first != 0) { // RFC 7383 §2.5: fragment 1 names the first inner payload
            for (byte[] f : keys.sealFragments(h, first, chain, 1 + (flags >> 6))) {
                wire.sealed(f);
                deliver(f, ExchangePair.BRANCH);
            }
        } else {
            byte[] d = keys.seal(h, first, chain);
            wire.sealed(d);
            deliver(d, ExchangePair.BRANCH);
        }
    }

    private void initiate(int choice) {
        IkeSa sa = keys == null ? null : initiator.gateway.sa(keys.spiI).orElse(null);
        if (sa == null) {
            return;
        }
        switch (choice % 3) {
            case 0 -> {
                var _ = initiator.gateway.checkLiveness(sa.spiI());
            }
            case 1 -> sa.exec().execute(() -> sa.deleteIkeSa("the fuzz input deletes it"));
            default -> {
                List<ChildSaRecord> children = initiator.installer.installed();
                if (children.isEmpty()) {
                    return;
                }
                byte[] spi = new WireWriter(4)
                        .u32(children.getFirst().inboundSpi() & 0xffffffffL)
                        .array();
                ExchangeEngineTest.queue(sa, new InitiatorTask() {
                    @Override
                    public void start() {
                        sa.tasks()
                                .send(
                                        this,
                                        ExchangeType.INFORMATIONAL,
                                        List.of(new DeletePayload(ProtocolId.ESP, List.of(spi))));
                    }

                    @Override
                    public void onResponse(IkeMessage response, IkeDatagram datagram) {}
                });
            }
        }
    }

    private void deliver(byte[] octets, InetSocketAddress from) {
        deliver(octets, from, wire.authentic(octets));
    }

    /**
     * Delivers one datagram and checks its cost: a datagram nobody with the SA's keys made (forged, mutated) and an
     * IKE_SA_INIT request the RFC says to drop (message ID other than 0, §2.2; over the size limit) cost no token
     * operation, and the latter leave no SA and get no answer. No answer is oversized, nor are there too many.
     */
    private void deliver(byte[] octets, InetSocketAddress from, boolean authentic) {
        int tokenBefore = tokenOperations();
        int spisBefore = responder.gateway.registeredSpis();
        int answersBefore = wire.answers.size();
        if (!wire.toResponder(octets, from)) {
            check(tokenOperations() == tokenBefore, "an undecodable datagram cost a token operation");
            return;
        }
        IkeHeader h = header(octets);
        boolean initRequest = h.exchangeType() == ExchangeType.IKE_SA_INIT.code() && h.isRequest();
        boolean droppedInit = initRequest
                && (h.messageId() != 0 || octets.length > ResponderSessions.MAX_INIT_OCTETS || h.responderSpi() != 0);
        if (droppedInit) {
            check(tokenOperations() == tokenBefore, "a dropped IKE_SA_INIT request cost a token operation: " + h);
            check(responder.gateway.registeredSpis() <= spisBefore, "a dropped IKE_SA_INIT request left an SA: " + h);
            check(wire.answers.size() == answersBefore, "a dropped IKE_SA_INIT request was answered: " + h);
        } else if (!initRequest && !authentic) {
            check(
                    tokenOperations() == tokenBefore,
                    "a forged " + ExchangeType.name(h.exchangeType()) + " #" + h.messageId()
                            + " cost a token operation");
        }
        check(
                wire.answers.size() - answersBefore <= MAX_ANSWERS_PER_DATAGRAM,
                (wire.answers.size() - answersBefore) + " answers to one datagram");
        for (byte[] a : wire.answers.subList(answersBefore, wire.answers.size())) {
            check(a.length <= MAX_ANSWER_OCTETS, "a " + a.length + "-octet answer");
            IkeHeader ah = header(a);
            if (keys != null && ah.isResponse() && ah.initiatorSpi() == keys.spiI && ah.responderSpi() == keys.spiR) {
                nextId = Math.max(nextId, ah.messageId() + 1);
            }
        }
        learnKeys();
    }

    private void learnKeys() {
        if (keys == null) {
            keys = initiator.gateway.sa(initiatorSpi).map(KnownKeys::of).orElse(null);
        }
    }

    static void check(boolean ok, String finding) {
        if (!ok) {
            throw new AssertionError(finding);
        }
    }

    private static IkeHeader header(byte[] octets) {
        try {
            return IkeMessageCodec.decode(octets).header();
        } catch (MalformedMessageException e) {
            throw new IllegalStateException("decoded before", e);
        }
    }

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
