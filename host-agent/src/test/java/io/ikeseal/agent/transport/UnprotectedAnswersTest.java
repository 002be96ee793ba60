package io.ikeseal.agent.transport;

import static io.ikeseal.agent.transport.Vectors.PEER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.MalformedReason;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.ProtocolId;

/**
 * The whole socket pipeline, byte vectors in and out: the unprotected answers RFC 7296 prescribes outside any SA
 * (§1.5, §2.5, §2.21.4), checked octet by octet, their rate limit, and the drops that get no answer.
 */
class UnprotectedAnswersTest {
    private static final HexFormat HEX = HexFormat.of();

    private final DropCounters counters = new DropCounters();
    private final AtomicLong clock = new AtomicLong();
    private final List<IkeDatagram> inits = new ArrayList<>();
    private final IkeHandlers handlers = new IkeHandlers(
            counters,
            EspSink.dropping(counters),
            new IkeSpiTable(),
            (d, s) -> inits.add(d),
            new TokenBucket(1, 2, clock::get),
            true,
            DecodeLimits.DEFAULT,
            SendBarrier.NONE);
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private int expectedPipelineErrors;

    private EmbeddedChannel socket(boolean natT) {
        EmbeddedChannel ch = new EmbeddedChannel();
        handlers.install(ch.pipeline(), natT);
        channels.add(ch);
        return ch;
    }

    @AfterEach
    void nothingReachedTheEndOfThePipeline() {
        for (EmbeddedChannel ch : channels) {
            ch.checkException();
            assertNull(ch.readInbound(), "nothing passes the last handler");
            ch.finishAndReleaseAll();
        }
        assertEquals(expectedPipelineErrors, counters.get(DropReason.PIPELINE_ERROR));
        assertEquals(0, counters.get(DropReason.HANDLER_FAILED));
        assertEquals(0, counters.get(DropReason.DECODER_FAILED));
    }

    /** The one datagram sent back: to the request's source, its IKE octets as hex. */
    private static String answer(EmbeddedChannel ch) {
        DatagramPacket p = assertInstanceOf(DatagramPacket.class, ch.readOutbound());
        try {
            assertEquals(PEER, p.recipient());
            return HEX.formatHex(ByteBufUtil.getBytes(p.content()));
        } finally {
            p.release();
            assertNull(ch.readOutbound(), "one answer only");
        }
    }

    @Test
    void higherMajorVersionRequestGetsInvalidMajorVersion() {
        EmbeddedChannel ch = socket(false);
        ch.writeInbound(Vectors.packet(Vectors.withMajorVersion(Vectors.initRequest(), 3)));
        String a = answer(ch);
        // SPIi and SPIr copied; Next Payload N; version 2.0; IKE_SA_INIT; R set, I clear (we would be the
        // responder); Message ID copied; Length 36. Then N: no SPI, protocol 0, INVALID_MAJOR_VERSION, no data.
        assertEquals(
                "0158b8fb90b7623d" + "0000000000000000" + "29" + "20" + "22" + "20" + "00000000" + "00000024"
                        + "00000008" + "0000" + "0005",
                a);
        IkeMessage m = Vectors.decode(HEX.parseHex(a));
        IkeHeader h = m.header();
        assertEquals(2, h.majorVersion());
        assertEquals(0, h.minorVersion());
        assertEquals(IkeHeader.FLAG_RESPONSE, h.flags());
        NotifyPayload n = (NotifyPayload) m.payloads().getFirst();
        assertEquals(ProtocolId.NONE, n.protocolId());
        assertEquals(NotifyType.INVALID_MAJOR_VERSION, n.notifyType());
        assertEquals(1, counters.answers(NotifyType.INVALID_MAJOR_VERSION));
        assertEquals(1, counters.get(MalformedReason.UNSUPPORTED_VERSION));
        assertEquals(List.of(), inits);
    }

    @Test
    void higherMajorVersionResponseIsDroppedUnanswered() {
        EmbeddedChannel ch = socket(false);
        ch.writeInbound(Vectors.packet(Vectors.withMajorVersion(Vectors.initResponse(), 3)));
        assertNull(ch.readOutbound());
        assertEquals(1, counters.get(MalformedReason.UNSUPPORTED_VERSION));
        assertEquals(0, counters.answers(NotifyType.INVALID_MAJOR_VERSION));
    }

    @Test
    void unknownCriticalPayloadInIkeSaInitGetsUnsupportedCriticalPayload() {
        EmbeddedChannel ch = socket(false);
        ch.writeInbound(Vectors.packet(Vectors.withUnknownCriticalPayload(Vectors.initRequest())));
        // Responder SPI 0, as in the request (§3.1); data: the payload type, 200 = 0xc8.
        assertEquals(
                "0158b8fb90b7623d" + "0000000000000000" + "29" + "20" + "22" + "20" + "00000000" + "00000025"
                        + "00000009" + "0000" + "0001" + "c8",
                answer(ch));
        assertEquals(1, counters.answers(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD));
        assertEquals(List.of(), inits);
    }

    @Test
    void protectedRequestUnderAnUnknownSpiGetsInvalidIkeSpi() {
        EmbeddedChannel ch = socket(false);
        ch.writeInbound(Vectors.packet(Vectors.authRequest()));
        // IKE_AUTH (35 = 0x23), Message ID 1, both SPIs copied.
        assertEquals(
                "0158b8fb90b7623d" + "13514610cea16160" + "29" + "20" + "23" + "20" + "00000001" + "00000024"
                        + "00000008" + "0000" + "0004",
                answer(ch));
        ch.writeInbound(Vectors.packet(Vectors.informationalFromResponder()));
        // Its sender claims to be the original responder, so we answer as the original initiator: I and R set.
        assertEquals(
                "0158b8fb90b7623d" + "13514610cea16160" + "29" + "20" + "25" + "28" + "00000000" + "00000024"
                        + "00000008" + "0000" + "0004",
                answer(ch));
        assertEquals(2, counters.answers(NotifyType.INVALID_IKE_SPI));
        assertEquals(2, counters.get(DropReason.UNKNOWN_SPI));
    }

    @Test
    void onTheNatTPortAnswersCarryTheNonEspMarker() {
        EmbeddedChannel ch = socket(true);
        ch.writeInbound(Vectors.packet(Vectors.withMarker(Vectors.withMajorVersion(Vectors.initRequest(), 3))));
        assertEquals(
                "00000000" + "0158b8fb90b7623d" + "0000000000000000" + "29202220" + "00000000" + "00000024" + "00000008"
                        + "0000" + "0005",
                answer(ch));
    }

    @Test
    void noAnswerToMalformedMessagesWithoutAPrescribedOne() {
        EmbeddedChannel ch = socket(false);
        ch.writeInbound(Vectors.packet(new byte[IkeHeader.LENGTH - 1]));
        ch.writeInbound(Vectors.packet(Vectors.concat(Vectors.initRequest(), new byte[3])));
        ch.writeInbound(Vectors.packet(Vectors.withMajorVersion(Vectors.initRequest(), 1)));
        ch.writeInbound(Vectors.packet(Vectors.authResponse()));
        assertNull(ch.readOutbound());
        assertEquals(1, counters.get(MalformedReason.TRUNCATED));
        assertEquals(1, counters.get(MalformedReason.LENGTH_MISMATCH));
        assertEquals(1, counters.get(MalformedReason.UNSUPPORTED_VERSION));
        assertEquals(1, counters.get(DropReason.UNKNOWN_SPI));
        assertEquals(4, counters.totalDrops());
    }

    @Test
    void natTDropsThroughTheWholePipeline() {
        EmbeddedChannel ch = socket(true);
        ch.writeInbound(Vectors.packet(new byte[] {(byte) 0xff}));
        ch.writeInbound(Vectors.packet(Vectors.esp(0x01020304, 9, 16)));
        ch.writeInbound(Vectors.packet(new byte[] {0, 0}));
        ch.writeInbound(Vectors.packet(new byte[4])); // a marker and nothing behind it
        ch.writeInbound(Vectors.packet(Vectors.initRequest())); // IKE without the marker reads as ESP
        ch.writeInbound(Vectors.packet(Vectors.withMarker(Vectors.initRequest())));
        assertNull(ch.readOutbound());
        assertEquals(1, counters.get(DropReason.NAT_KEEPALIVE));
        assertEquals(2, counters.get(DropReason.ESP_NO_DATA_PLANE));
        assertEquals(1, counters.get(DropReason.NAT_T_TOO_SHORT));
        assertEquals(1, counters.get(MalformedReason.TRUNCATED));
        assertEquals(1, inits.size());
        assertTrue(inits.getFirst().natT());
    }

    @Test
    void answersAreRateLimitedAcrossSockets() {
        EmbeddedChannel ike = socket(false);
        EmbeddedChannel natT = socket(true);
        byte[] v3 = Vectors.withMajorVersion(Vectors.initRequest(), 3);
        ike.writeInbound(Vectors.packet(v3));
        natT.writeInbound(Vectors.packet(Vectors.withMarker(v3)));
        ike.writeInbound(Vectors.packet(v3)); // the bucket held 2
        answer(ike);
        answer(natT);
        assertNull(ike.readOutbound());
        assertEquals(1, counters.get(DropReason.ANSWER_RATE_LIMITED));
        clock.addAndGet(1_000_000_000L); // one more token at 1/s
        ike.writeInbound(Vectors.packet(v3));
        ike.writeInbound(Vectors.packet(v3));
        answer(ike);
        assertEquals(2, counters.get(DropReason.ANSWER_RATE_LIMITED));
        assertEquals(3, counters.answers(NotifyType.INVALID_MAJOR_VERSION));
    }

    @Test
    void anAnswerTheSocketWillNotSendIsCounted() {
        EmbeddedChannel ch = socket(false);
        ch.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(new IOException("network unreachable"));
            }
        });
        ch.writeInbound(Vectors.packet(Vectors.withMajorVersion(Vectors.initRequest(), 3)));
        assertEquals(1, counters.get(DropReason.ANSWER_SEND_FAILED));
        assertEquals(0, counters.answers(NotifyType.INVALID_MAJOR_VERSION));
    }

    @Test
    void exceptionsEndAtTheLastHandler() {
        EmbeddedChannel ch = socket(false);
        ch.pipeline().fireExceptionCaught(new IOException("ICMP port unreachable"));
        ch.checkException();
        assertEquals(1, counters.get(DropReason.PIPELINE_ERROR));
        expectedPipelineErrors = 1;
    }
}
