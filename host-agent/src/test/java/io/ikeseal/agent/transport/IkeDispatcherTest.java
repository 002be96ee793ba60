package io.ikeseal.agent.transport;

import static io.ikeseal.agent.transport.Vectors.LOCAL;
import static io.ikeseal.agent.transport.Vectors.PEER;
import static io.ikeseal.agent.transport.Vectors.SPI_I;
import static io.ikeseal.agent.transport.Vectors.SPI_R;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;

/** Routing by our SPI (RFC 7296 §2.6), IKE_SA_INIT to the listener, and what may be answered outside any SA. */
class IkeDispatcherTest {
    record Delivery(Object message, IkeSender replies) {}

    /** Records what it gets, like an SA that queues work for its executor. */
    static final class RecordingInbox implements IkeSaInbox {
        final List<Delivery> got = new ArrayList<>();

        @Override
        public void receive(IkeDatagram datagram, IkeSender replies) {
            got.add(new Delivery(datagram, replies));
        }

        @Override
        public void receiveMalformed(MalformedIkeRequest request, IkeSender replies) {
            got.add(new Delivery(request, replies));
        }
    }

    private final DropCounters counters = new DropCounters();
    private final IkeSpiTable spis = new IkeSpiTable();
    private final List<Delivery> inits = new ArrayList<>();
    private final EmbeddedChannel ch = channel(true);

    private EmbeddedChannel channel(boolean answerInvalidIkeSpi) {
        return new EmbeddedChannel(
                new IkeDispatcher(spis, (d, s) -> inits.add(new Delivery(d, s)), counters, answerInvalidIkeSpi));
    }

    @AfterEach
    void nothingEscaped() {
        ch.checkException();
        ch.finishAndReleaseAll();
    }

    private static IkeDatagram datagram(byte[] octets, boolean natT) {
        return new IkeDatagram(Vectors.decode(octets), octets, PEER, LOCAL, natT);
    }

    private static IkeDatagram datagram(IkeHeader h) {
        IkeMessage m = new IkeMessage(h, List.of());
        return new IkeDatagram(m, m.encode(), PEER, LOCAL, false);
    }

    @Test
    void ikeSaInitRequestGoesToTheListenerWithAPathBack() {
        IkeDatagram d = datagram(Vectors.initRequest(), true);
        ch.writeInbound(d);
        assertEquals(1, inits.size());
        assertSame(d, inits.getFirst().message());
        IkeSender replies = inits.getFirst().replies();
        assertEquals(PEER, replies.remote());
        assertEquals(LOCAL, replies.local());
        assertTrue(replies.natT());
        assertNull(ch.readInbound());
        assertEquals(0, counters.totalDrops());

        // The path back writes to the channel it came from, for the encoder to frame.
        assertTrue(replies.send(Vectors.initResponse()).isDone());
        OutboundIkeDatagram out = assertInstanceOf(OutboundIkeDatagram.class, ch.readOutbound());
        assertArrayEquals(Vectors.initResponse(), out.octets());
        assertEquals(PEER, out.recipient());
    }

    @Test
    void aHalfBuiltMessageIsRefusedBeforeItReachesTheChannel() {
        ch.writeInbound(datagram(Vectors.initRequest(), false));
        IkeSender replies = inits.getFirst().replies();
        byte[] truncated = Arrays.copyOf(Vectors.initResponse(), 100);
        assertThrows(IllegalArgumentException.class, () -> replies.send(truncated));
        assertThrows(IllegalArgumentException.class, () -> replies.send(new byte[10]));
        assertNull(ch.readOutbound());
    }

    @Test
    void ikeSaInitRequestsMustHaveResponderSpiZeroAndTheIFlag() {
        ch.writeInbound(datagram(IkeHeader.of(SPI_I, SPI_R, ExchangeType.IKE_SA_INIT, true, false, 0)));
        ch.writeInbound(datagram(IkeHeader.of(SPI_I, 0, ExchangeType.IKE_SA_INIT, false, false, 0)));
        assertEquals(List.of(), inits);
        assertEquals(2, counters.get(DropReason.INIT_REQUEST_HEADER));
    }

    @Test
    void initiatorSpiZeroIsDropped() {
        ch.writeInbound(datagram(IkeHeader.of(0, 0, ExchangeType.IKE_SA_INIT, true, false, 0)));
        assertEquals(1, counters.get(DropReason.ZERO_INITIATOR_SPI));
        assertEquals(List.of(), inits);
    }

    @Test
    void asResponderOurSpiIsTheResponderSpi() {
        RecordingInbox sa = new RecordingInbox();
        assertTrue(spis.register(SPI_R, sa));
        IkeDatagram auth = datagram(Vectors.authRequest(), false); // I flag set: from the original initiator
        ch.writeInbound(auth);
        assertEquals(1, sa.got.size());
        assertSame(auth, sa.got.getFirst().message());
        assertEquals(PEER, sa.got.getFirst().replies().remote());
        assertEquals(LOCAL, sa.got.getFirst().replies().local());
        assertFalse(sa.got.getFirst().replies().natT());
        assertEquals(0, counters.totalDrops());
    }

    @Test
    void asInitiatorOurSpiIsTheInitiatorSpi() {
        RecordingInbox sa = new RecordingInbox();
        assertTrue(spis.register(SPI_I, sa));
        ch.writeInbound(datagram(Vectors.initResponse(), false));
        ch.writeInbound(datagram(Vectors.authResponse(), false));
        ch.writeInbound(datagram(Vectors.informationalFromResponder(), false)); // a request with the I flag clear
        assertEquals(3, sa.got.size());
        // The original initiator's own IKE_AUTH request names SPI_I too, but as the initiator SPI: not ours there.
        ch.writeInbound(datagram(Vectors.authRequest(), false));
        assertEquals(3, sa.got.size());
        assertEquals(1, counters.get(DropReason.UNKNOWN_SPI));
    }

    @Test
    void unknownSpiProtectedRequestIsOwedInvalidIkeSpi() {
        ch.writeInbound(datagram(Vectors.authRequest(), false));
        UnprotectedNotify n = assertInstanceOf(UnprotectedNotify.class, ch.readInbound());
        assertEquals(NotifyType.INVALID_IKE_SPI, n.notifyType());
        assertEquals(0, n.notifyData().length);
        assertEquals(PEER, n.sender());
        assertEquals(SPI_I, n.request().initiatorSpi());
        assertEquals(SPI_R, n.request().responderSpi());
        assertEquals(1, n.request().messageId());
        assertEquals(1, counters.get(DropReason.UNKNOWN_SPI));
    }

    @Test
    void unknownSpiResponsesAndUnprotectedRequestsAreOnlyCounted() {
        ch.writeInbound(datagram(Vectors.authResponse(), false));
        ch.writeInbound(datagram(IkeHeader.of(SPI_I, SPI_R, ExchangeType.INFORMATIONAL, true, false, 2)));
        assertNull(ch.readInbound());
        assertEquals(2, counters.get(DropReason.UNKNOWN_SPI));
    }

    @Test
    void invalidIkeSpiCanBeSwitchedOff() {
        EmbeddedChannel quiet = channel(false);
        quiet.writeInbound(datagram(Vectors.authRequest(), false));
        assertNull(quiet.readInbound());
        assertEquals(1, counters.get(DropReason.UNKNOWN_SPI));
        quiet.checkException();
    }

    @Test
    void unregisteredSasNoLongerReceive() {
        RecordingInbox sa = new RecordingInbox();
        spis.register(SPI_R, sa);
        assertFalse(spis.register(SPI_R, new RecordingInbox()), "an SPI names one SA");
        assertFalse(spis.unregister(SPI_R, new RecordingInbox()), "only the owner unregisters");
        assertTrue(spis.unregister(SPI_R, sa));
        ch.writeInbound(datagram(Vectors.authRequest(), false));
        assertEquals(List.of(), sa.got);
        assertEquals(0, spis.size());
        assertThrows(IllegalArgumentException.class, () -> spis.register(0, sa));
    }

    private static MalformedIkeRequest malformed(byte[] octets) {
        EmbeddedChannel decoder =
                new EmbeddedChannel(new IkeDatagramDecoder(new DropCounters(), false, DecodeLimits.DEFAULT));
        decoder.writeInbound(Vectors.packet(octets));
        return assertInstanceOf(MalformedIkeRequest.class, decoder.readInbound());
    }

    @Test
    void higherMajorVersionIsAnsweredWhateverTheExchangeAndSpi() {
        RecordingInbox sa = new RecordingInbox();
        spis.register(SPI_R, sa);
        for (byte[] request : List.of(Vectors.initRequest(), Vectors.authRequest())) {
            ch.writeInbound(malformed(Vectors.withMajorVersion(request, 3)));
            UnprotectedNotify n = assertInstanceOf(UnprotectedNotify.class, ch.readInbound());
            assertEquals(NotifyType.INVALID_MAJOR_VERSION, n.notifyType());
        }
        assertEquals(List.of(), sa.got);
    }

    @Test
    void unknownCriticalPayloadInIkeSaInitIsAnswered() {
        ch.writeInbound(malformed(Vectors.withUnknownCriticalPayload(Vectors.initRequest())));
        UnprotectedNotify n = assertInstanceOf(UnprotectedNotify.class, ch.readInbound());
        assertEquals(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, n.notifyType());
        assertArrayEquals(new byte[] {(byte) Vectors.UNKNOWN_PAYLOAD}, n.notifyData());
        assertEquals(0, n.request().responderSpi());
        assertEquals(List.of(), inits);
    }

    @Test
    void unknownCriticalPayloadInsideAnSaGoesToTheSaToAnswerProtected() {
        RecordingInbox sa = new RecordingInbox();
        spis.register(SPI_R, sa);
        MalformedIkeRequest r = malformed(Vectors.withUnknownCriticalPayload(Vectors.authRequest()));
        ch.writeInbound(r);
        assertNull(ch.readInbound(), "never answered unprotected inside an SA");
        assertEquals(1, sa.got.size());
        assertSame(r, sa.got.getFirst().message());
        assertEquals(PEER, sa.got.getFirst().replies().remote());
    }

    @Test
    void unknownCriticalPayloadUnderAnUnknownSpiIsNotAnswered() {
        ch.writeInbound(malformed(Vectors.withUnknownCriticalPayload(Vectors.authRequest())));
        assertNull(ch.readInbound());
    }

    @Test
    void invalidSyntaxIsNeverAnsweredOutsideAnSa() {
        IkeMessage m = new IkeMessage(
                IkeHeader.of(SPI_I, 0, ExchangeType.IKE_SA_INIT, true, false, 0),
                List.of(NotifyPayload.of(NotifyType.COOKIE, new byte[0])));
        ch.writeInbound(malformed(m.encode()));
        assertNull(ch.readInbound());
        assertEquals(List.of(), inits);
    }

    @Test
    void aThrowingSaIsCountedAndKeptOffNetty() {
        spis.register(SPI_R, (d, s) -> {
            throw new IllegalStateException("SA bug");
        });
        ch.writeInbound(datagram(Vectors.authRequest(), false));
        ch.checkException();
        assertEquals(1, counters.get(DropReason.HANDLER_FAILED));
    }
}
