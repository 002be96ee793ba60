package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.established;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.auth.IkeIdentity;
import io.ikeseal.agent.auth.SignedOctets;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.transport.IkeSender;
import io.ikeseal.agent.wire.AuthenticationPayload;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.SecurityAssociationPayload;

/**
 * Issue 9 item 9, the protocol-violation catalogue: hand-built messages, before and after authentication, each of
 * which gets the answer RFC 7296 gives it or a counted drop, and leaves no state behind (no SA in the SPI table, no
 * token call where none is due). CREATE_CHILD_SA before IKE_AUTH is in {@link ExchangeEngineTest}.
 */
class ProtocolViolationTest {
    private static final InetSocketAddress ATTACKER = address("198.51.100.7");

    /** Initiator and responder keyed, the initiator's IKE_AUTH request lost: the responder is HALF_OPEN. */
    private static IkeSa halfOpen(ExchangePair pair) {
        pair.network.on(p -> p.is(ExchangeType.IKE_AUTH, false), 1, MemoryNetwork.Action.DROP);
        CompletableFuture<IkeSaInfo> unused = pair.initiate();
        assertTrue(!unused.isDone());
        return pair.initiator
                .gateway
                .sa(pair.network.log().getFirst().header().initiatorSpi())
                .orElseThrow();
    }

    private static void sendProtected(ExchangePair pair, IkeSa sa, IkeHeader h, List<IkePayload> payloads)
            throws Exception {
        get(pair.network
                .sender(ExchangePair.BRANCH, ExchangePair.GATEWAY)
                .send(sa.protection().messages().protect(h, payloads)));
    }

    private static long answers(ExchangePair pair, ExchangeType type) {
        return pair.network.count(p -> p.is(type, true) && p.from().equals(ExchangePair.GATEWAY));
    }

    private static int tokenCalls(ExchangePair.Side side) {
        return side.crypto.calls("generateShare")
                + side.crypto.calls("ikeSaKeys")
                + side.crypto.calls("childKeymat")
                + side.crypto.calls("pskAuth");
    }

    @Test
    void ikeAuthBeforeIkeSaInitIsDroppedWithoutState() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeHeader h = IkeHeader.of(0x1122334455667788L, 0x0102030405060708L, ExchangeType.IKE_AUTH, true, false, 1);
        byte[] octets =
                new IkeMessage(h, List.of(IkeIdentity.parse("branch.example").toPayload(PayloadType.IDI))).encode();
        get(pair.network.sender(ExchangePair.BRANCH, ExchangePair.GATEWAY).send(octets));
        assertEquals(0, answers(pair, ExchangeType.IKE_AUTH));
        assertEquals(0, pair.responder.gateway.registeredSpis());
        assertEquals(0, tokenCalls(pair.responder));
    }

    @Test
    void informationalBeforeAuthenticationIsDroppedAndDeletesNothing() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSa half = halfOpen(pair);
        int calls = tokenCalls(pair.responder);
        IkeHeader h = IkeHeader.of(half.spiI(), half.spiR(), ExchangeType.INFORMATIONAL, true, false, 1);
        sendProtected(pair, half, h, List.of(new DeletePayload(ProtocolId.IKE, List.of())));
        assertEquals(1, pair.responder.counters.getSa("exchange-not-allowed-in-half_open"));
        assertEquals(0, answers(pair, ExchangeType.INFORMATIONAL));
        assertEquals(calls, tokenCalls(pair.responder));
        IkeSa theirs = pair.responder.gateway.sa(half.spiI()).orElseThrow();
        assertEquals(IkeSaState.HALF_OPEN, theirs.state(), "a Delete before IKE_AUTH deletes nothing");

        // The lost IKE_AUTH (message ID 1 again) still completes: the dropped request took no message ID.
        pair.scheduler.advance(ExchangeEngineTest.SETTINGS.retransmitDelay(0));
        assertEquals(1, answers(pair, ExchangeType.IKE_AUTH));
        assertTrue(pair.responder.events.contains("established"), pair.responder.events.toString());
    }

    @Test
    void anOldMessageIdIsARetransmissionAndANewerOneIsDropped() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        IkeSa sa = pair.initiator.gateway.sa(info.spiI()).orElseThrow();
        int calls = tokenCalls(pair.responder);
        byte[] authRequest = pair.network.log().stream()
                .filter(p -> p.is(ExchangeType.IKE_AUTH, false))
                .findFirst()
                .orElseThrow()
                .octets();

        get(pair.network.sender(ExchangePair.BRANCH, ExchangePair.GATEWAY).send(authRequest));
        assertEquals(2, answers(pair, ExchangeType.IKE_AUTH), "§2.1: answered again from the cache");
        assertEquals(1, pair.responder.counters.getSa("retransmission-answered"));

        sendProtected(
                pair, sa, IkeHeader.of(sa.spiI(), sa.spiR(), ExchangeType.INFORMATIONAL, true, false, 7), List.of());
        sendProtected(
                pair, sa, IkeHeader.of(sa.spiI(), sa.spiR(), ExchangeType.INFORMATIONAL, true, false, 0), List.of());
        assertEquals(2, pair.responder.counters.getSa("unexpected-message-id"));
        assertEquals(0, answers(pair, ExchangeType.INFORMATIONAL));
        assertEquals(calls, tokenCalls(pair.responder), "no token work for a retransmission or a drop");
        assertEquals(List.of("child: net", "established"), pair.responder.events);
    }

    @Test
    void anIkeSaInitWithTwoSaPayloadsIsDroppedWithoutTokenWork() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeMessage request = recordedIkeSaInit(pair);
        List<IkePayload> p = new ArrayList<>(request.payloads());
        p.add(1, request.first(SecurityAssociationPayload.class).orElseThrow());
        replay(pair, new IkeMessage(request.header(), p));
        assertEquals(1, pair.responder.counters.getSa("ike-sa-init-payloads"));
        assertNoStateAtTheResponder(pair);
    }

    @Test
    void anIkeSaInitCarryingAuthIsDroppedWithoutTokenWork() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeMessage request = recordedIkeSaInit(pair);
        List<IkePayload> p = new ArrayList<>(request.payloads());
        p.add(new AuthenticationPayload(2, new byte[32]));
        replay(pair, new IkeMessage(request.header(), p));
        assertEquals(1, pair.responder.counters.getSa("ike-sa-init-payloads"));
        assertNoStateAtTheResponder(pair);
    }

    @Test
    void aReflectedAuthIsRefusedAndTheSaGoes() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSa half = halfOpen(pair);
        IkeSaInitResult init = half.init();
        // What the responder would send as its own AUTH (§2.15, the responder's signed octets), sent to it as ours.
        byte[] theirOctets = SignedOctets.responder(
                init.message2(),
                init.ni(),
                init.suite().prf(),
                half.keys().skPr(),
                IkeIdentity.parse("gw.example").toPayload(PayloadType.IDR));
        AuthenticationPayload reflected = get(pair.initiator
                .connection
                .localAuth()
                .authenticate(theirOctets, init.suite().prf(), init.peerHashes(), half.auditContext()));
        IkeHeader h = IkeHeader.of(half.spiI(), half.spiR(), ExchangeType.IKE_AUTH, true, false, 1);
        sendProtected(
                pair, half, h, List.of(IkeIdentity.parse("branch.example").toPayload(PayloadType.IDI), reflected));
        IkeMessage answer = IkeMessageCodec.decode(pair.network.log().stream()
                .filter(p -> p.is(ExchangeType.IKE_AUTH, true))
                .findFirst()
                .orElseThrow()
                .octets());
        assertEquals(ExchangeType.IKE_AUTH.code(), answer.header().exchangeType());
        assertTrue(
                pair.responder.events.getFirst().startsWith("failed: AUTHENTICATION_FAILED"),
                pair.responder.events.toString());
        assertTrue(pair.responder.installer.installed().isEmpty());
        assertEquals(0, pair.responder.crypto.calls("childKeymat"));
        assertTrue(pair.responder.gateway.sa(half.spiI()).map(IkeSa::isClosed).orElse(true));
        assertEquals(0, pair.responder.gateway.halfOpenCount());
        assertTrue(
                pair.initiator.events.getFirst().contains(NotifyType.name(NotifyType.AUTHENTICATION_FAILED)),
                pair.initiator.events.toString());
    }

    @Test
    void ourOwnCertificatePresentedBackIsRefusedAndTheSaGoes() throws Exception {
        ExchangePair pair = new ExchangePair(
                ExchangeEngineTest.SETTINGS,
                java.util.Set.of(io.ikeseal.hsm.api.DhGroup.ECP_256),
                List.of("aes256gcm16-prfsha256-ecp256"),
                List.of("aes256gcm16-prfsha256-ecp256"),
                1,
                true);
        IkeSa half = halfOpen(pair);
        List<IkePayload> p = new ArrayList<>();
        p.add(IkeIdentity.parse("branch.example").toPayload(PayloadType.IDI));
        p.addAll(pair.responder.connection.localAuth().certificates()); // the gateway's own certificate
        p.add(new AuthenticationPayload(14, new byte[64]));
        sendProtected(pair, half, IkeHeader.of(half.spiI(), half.spiR(), ExchangeType.IKE_AUTH, true, false, 1), p);

        assertEquals(1, answers(pair, ExchangeType.IKE_AUTH));
        assertTrue(
                pair.responder.events.getFirst().startsWith("failed: AUTHENTICATION_FAILED"),
                pair.responder.events.toString());
        assertTrue(pair.responder.installer.installed().isEmpty());
        assertEquals(0, pair.responder.crypto.calls("childKeymat"), "no CHILD_SA work for an unauthenticated peer");
        assertEquals(0, pair.responder.gateway.halfOpenCount());
        assertTrue(pair.responder.gateway.sa(half.spiI()).map(IkeSa::isClosed).orElse(true));
    }

    private static IkeMessage recordedIkeSaInit(ExchangePair pair) throws Exception {
        pair.network.on(p -> p.to().equals(ExchangePair.GATEWAY), Integer.MAX_VALUE, MemoryNetwork.Action.DROP);
        CompletableFuture<IkeSaInfo> unused = pair.initiate();
        assertTrue(!unused.isDone());
        return IkeMessageCodec.decode(pair.network.log().getFirst().octets());
    }

    private static void replay(ExchangePair pair, IkeMessage m) throws Exception {
        byte[] octets = m.encode();
        List<byte[]> answers = new ArrayList<>();
        pair.responder
                .gateway
                .listener()
                .ikeSaInitRequest(
                        new IkeDatagram(IkeMessageCodec.decode(octets), octets, ATTACKER, ExchangePair.GATEWAY, false),
                        new IkeSender() {
                            @Override
                            public InetSocketAddress local() {
                                return ExchangePair.GATEWAY;
                            }

                            @Override
                            public InetSocketAddress remote() {
                                return ATTACKER;
                            }

                            @Override
                            public boolean natT() {
                                return false;
                            }

                            @Override
                            public CompletableFuture<Void> send(byte[] o) {
                                answers.add(o);
                                return CompletableFuture.completedFuture(null);
                            }
                        });
        assertEquals(List.of(), answers, "a drop, unanswered");
    }

    private static void assertNoStateAtTheResponder(ExchangePair pair) {
        assertEquals(0, tokenCalls(pair.responder));
        assertEquals(0, pair.responder.gateway.registeredSpis());
        assertEquals(0, pair.responder.gateway.halfOpenCount());
        assertEquals(0, pair.responder.gateway.reassemblyBudgets());
    }

    private static InetSocketAddress address(String a) {
        try {
            return new InetSocketAddress(InetAddress.getByName(a), 500);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
