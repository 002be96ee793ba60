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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.MalformedReason;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;

/** DatagramPacket to IkeDatagram, and every way that can fail: a counted drop, a MalformedIkeRequest at most. */
class IkeDatagramDecoderTest {
    private final DropCounters counters = new DropCounters();
    private final EmbeddedChannel ch =
            new EmbeddedChannel(new IkeDatagramDecoder(counters, false, DecodeLimits.DEFAULT));

    @AfterEach
    void nothingEscaped() {
        ch.checkException();
        ch.finishAndReleaseAll();
    }

    private Object decode(byte[] datagram) {
        DatagramPacket p = Vectors.packet(datagram);
        ch.writeInbound(p);
        assertEquals(0, p.refCnt(), "the decoder releases every datagram");
        return ch.readInbound();
    }

    @Test
    void ikeSaInitRequestWithOctetsAndAddresses() {
        byte[] octets = Vectors.initRequest();
        IkeDatagram d = assertInstanceOf(IkeDatagram.class, decode(octets));
        assertArrayEquals(octets, d.octets());
        assertEquals(PEER, d.sender());
        assertEquals(LOCAL, d.recipient());
        assertFalse(d.natT());
        IkeHeader h = d.message().header();
        assertEquals(SPI_I, h.initiatorSpi());
        assertEquals(0, h.responderSpi());
        assertEquals(ExchangeType.IKE_SA_INIT, h.exchange());
        assertEquals(IkeHeader.FLAG_INITIATOR, h.flags());
        assertEquals(0, h.messageId());
        assertEquals(octets.length, h.length());
        assertEquals(6, d.message().payloads().size());
        assertFalse(d.message().isSealed());
        assertEquals(0, counters.totalDrops());
        assertNull(ch.readInbound());
    }

    @Test
    void onTheNatTSocketTheDatagramSaysSo() {
        EmbeddedChannel natT = new EmbeddedChannel(new IkeDatagramDecoder(counters, true, DecodeLimits.DEFAULT));
        natT.writeInbound(Vectors.packet(Vectors.authRequest()));
        IkeDatagram d = assertInstanceOf(IkeDatagram.class, natT.readInbound());
        assertTrue(d.natT());
        assertTrue(d.message().isSealed());
        assertEquals(SPI_R, d.message().header().responderSpi());
        natT.checkException();
    }

    @Test
    void shorterThanAHeaderIsCountedTruncated() {
        assertNull(decode(Arrays.copyOf(Vectors.initRequest(), IkeHeader.LENGTH - 1)));
        assertNull(decode(new byte[0]));
        assertEquals(2, counters.get(MalformedReason.TRUNCATED));
        assertEquals(2, counters.totalDrops());
    }

    @Test
    void lengthFieldDisagreeingWithTheDatagramIsCountedAndNeverAnswered() {
        assertNull(decode(Vectors.concat(Vectors.initRequest(), new byte[1])));
        assertNull(decode(Arrays.copyOf(Vectors.initRequest(), 100)));
        assertEquals(2, counters.get(MalformedReason.LENGTH_MISMATCH));
    }

    @Test
    void overTheSizeLimitIsCountedTooLarge() {
        EmbeddedChannel small = new EmbeddedChannel(new IkeDatagramDecoder(counters, false, new DecodeLimits(200, 8)));
        small.writeInbound(Vectors.packet(Vectors.initRequest())); // 248 octets
        assertNull(small.readInbound());
        assertEquals(1, counters.get(MalformedReason.TOO_LARGE));
        small.checkException();
    }

    @Test
    void higherMajorVersionRequestBecomesAMalformedRequestOwedInvalidMajorVersion() {
        byte[] v3 = Vectors.withMajorVersion(Vectors.initRequest(), 3);
        MalformedIkeRequest r = assertInstanceOf(MalformedIkeRequest.class, decode(v3));
        assertEquals(MalformedReason.UNSUPPORTED_VERSION, r.reason());
        assertEquals(NotifyType.INVALID_MAJOR_VERSION, r.notifyType());
        assertEquals(0, r.notifyData().length);
        assertEquals(3, r.header().majorVersion());
        assertEquals(SPI_I, r.header().initiatorSpi());
        assertArrayEquals(v3, r.octets());
        assertEquals(PEER, r.sender());
        assertEquals(LOCAL, r.recipient());
        assertEquals(1, counters.get(MalformedReason.UNSUPPORTED_VERSION));
    }

    @Test
    void higherMajorVersionResponseIsOnlyCounted() {
        assertNull(decode(Vectors.withMajorVersion(Vectors.initResponse(), 3)));
        assertEquals(1, counters.get(MalformedReason.UNSUPPORTED_VERSION));
    }

    @Test
    void ikev1IsDroppedWithoutAnswer() {
        assertNull(decode(Vectors.withMajorVersion(Vectors.initRequest(), 1)));
        assertEquals(1, counters.get(MalformedReason.UNSUPPORTED_VERSION));
    }

    @Test
    void unknownCriticalPayloadNamesItsType() {
        MalformedIkeRequest r = assertInstanceOf(
                MalformedIkeRequest.class, decode(Vectors.withUnknownCriticalPayload(Vectors.initRequest())));
        assertEquals(MalformedReason.UNSUPPORTED_CRITICAL_PAYLOAD, r.reason());
        assertEquals(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, r.notifyType());
        assertArrayEquals(new byte[] {(byte) Vectors.UNKNOWN_PAYLOAD}, r.notifyData());
        assertEquals(ExchangeType.IKE_SA_INIT.code(), r.header().exchangeType());
        assertEquals(1, counters.get(MalformedReason.UNSUPPORTED_CRITICAL_PAYLOAD));
    }

    @Test
    void unknownCriticalPayloadInAResponseIsOnlyCounted() {
        assertNull(decode(Vectors.withUnknownCriticalPayload(Vectors.initResponse())));
        assertEquals(1, counters.get(MalformedReason.UNSUPPORTED_CRITICAL_PAYLOAD));
    }

    @Test
    void invalidSyntaxGoesOnForTheDispatcherToKeepOutsideAnySa() {
        // A COOKIE notification without data (RFC 7296 §2.6: 1 to 64 octets).
        IkeMessage m = new IkeMessage(
                IkeHeader.of(SPI_I, 0, ExchangeType.IKE_SA_INIT, true, false, 0),
                List.of(NotifyPayload.of(NotifyType.COOKIE, new byte[0])));
        MalformedIkeRequest r = assertInstanceOf(MalformedIkeRequest.class, decode(m.encode()));
        assertEquals(MalformedReason.INVALID_SYNTAX, r.reason());
        assertEquals(NotifyType.INVALID_SYNTAX, r.notifyType());
        assertEquals(1, counters.get(MalformedReason.INVALID_SYNTAX));
    }

    @Test
    void otherMessagesPassThrough() {
        ch.writeInbound("not a datagram");
        assertEquals("not a datagram", ch.readInbound());
    }
}
