package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.config.AdmissionSettings;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.NotifyType;

/**
 * Issue 9's attack on real sockets (loopback): one host (127.0.0.77) sends at least 1,000 IKE_SA_INIT requests a
 * second for at least 3 s, each under a new SPI, and answers every COOKIE at once, while a branch office on
 * 127.0.0.1 establishes IKE SAs one after the other. The host's half-open limit (RFC 7296 §2.6, RFC 8019 §4) must
 * cap its key generations in the token at {@link AdmissionSettings#sourceLimit()}, and every legitimate handshake
 * must complete. The figures (rates, latencies, drops) are printed for the record.
 */
class CookieEchoFloodTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    private static final String ATTACKER = "127.0.0.77";
    private static final byte[] MARKER = new byte[4];
    private static final int LEGIT_HANDSHAKES = 20;
    private static final long FLOOD_MILLIS = 3_000;
    private static final long GUARD_MILLIS = 60_000;
    private static final int PER_SECOND = 1_500;

    @Test
    void oneHostEchoingCookiesCannotCrowdOutOthersOrRunTheToken() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                Side br = scenario.start("branch", ConnectionYaml.branch(gw));
                RawInitiator shape = new RawInitiator(gw.ike());
                DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(ATTACKER), 0))) {
            List<Long> unloaded = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                unloaded.add(handshake(br, gw));
            }
            long keygensBefore = attackerKeygens();
            List<IkePayload> payloads = shape.initPayloads();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            AtomicLong echoed = new AtomicLong();
            Thread echo = Thread.ofPlatform()
                    .name("cookie-echo")
                    .start(() -> echoCookies(socket, gw, payloads, stop, echoed));
            Thread flood = Thread.ofPlatform().name("flood").start(() -> flood(socket, gw, payloads, stop, sent));
            long start = System.nanoTime();
            LegitRun legit;
            try {
                legit = legitimateHandshakes(br, gw, start);
            } finally {
                stop.set(true);
                flood.join(5_000);
                echo.join(5_000);
            }
            long floodMillis = millisSince(start);
            long keygens = attackerKeygens() - keygensBefore;
            double rate = sent.get() * 1000.0 / floodMillis;
            System.out.printf(
                    "cookie-echo flood: %d requests in %d ms (%.0f/s), %d cookies echoed, %d dropped at the source"
                            + " limit; attacker key generations %d; legit %d/%d, latency unloaded median %d ms, loaded"
                            + " median %d ms max %d ms%n",
                    sent.get(),
                    floodMillis,
                    rate,
                    echoed.get(),
                    gw.counters().getSa("half-open-source-limit"),
                    keygens,
                    legit.latencies().size(),
                    LEGIT_HANDSHAKES,
                    median(unloaded),
                    median(legit.latencies()),
                    Collections.max(legit.latencies()));
            assertTrue(rate >= 1_000, "flood rate " + rate + "/s");
            assertEquals(0, legit.failed(), "legitimate handshakes failed"); // 99 % of 20 is all of them
            assertTrue(
                    keygens <= AdmissionSettings.DEFAULT.sourceLimit(), keygens + " key generations for the attacker");
            assertTrue(gw.counters().getSa("half-open-source-limit") >= sent.get() / 2);
        }
    }

    /**
     * Test (c) of issue 9: plain IKE_SA_INIT requests from 64 addresses in 64 /24s of 127.0.0.0/8 (as spoofed
     * senders would, never answering a COOKIE) at 1,500 a second for 3 s. Past the global cookie threshold every
     * request needs a cookie, so their key generations stay at that threshold while the branch office completes.
     */
    @Test
    void spoofedRequestsFromManyAddressesCostAtMostTheGlobalCookieThreshold() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                Side br = scenario.start("branch", ConnectionYaml.branch(gw));
                RawInitiator shape = new RawInitiator(gw.ike())) {
            handshake(br, gw);
            List<DatagramSocket> sockets = new ArrayList<>();
            try {
                for (int i = 1; i <= 64; i++) {
                    sockets.add(
                            new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0." + i + ".9"), 0)));
                }
                long before = spoofedKeygens();
                List<IkePayload> payloads = shape.initPayloads();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong sent = new AtomicLong();
                Thread flood = Thread.ofPlatform()
                        .name("spoofed-flood")
                        .start(() -> floodFrom(sockets, gw, payloads, stop, sent));
                long start = System.nanoTime();
                LegitRun legit;
                try {
                    legit = legitimateHandshakes(br, gw, start);
                } finally {
                    stop.set(true);
                    flood.join(5_000);
                }
                long millis = millisSince(start);
                long keygens = spoofedKeygens() - before;
                System.out.printf(
                        "spoofed flood: %d requests from 64 addresses in %d ms (%.0f/s), %d COOKIEs sent, key"
                                + " generations %d; legit %d/%d, loaded median %d ms max %d ms%n",
                        sent.get(),
                        millis,
                        sent.get() * 1000.0 / millis,
                        gw.counters().getSa("cookie-sent"),
                        keygens,
                        legit.latencies().size(),
                        LEGIT_HANDSHAKES,
                        median(legit.latencies()),
                        Collections.max(legit.latencies()));
                assertTrue(sent.get() * 1000.0 / millis >= 1_000, "flood rate");
                assertEquals(0, legit.failed(), "legitimate handshakes failed");
                assertTrue(
                        keygens <= ExchangeSettings.DEFAULT.cookieThreshold(),
                        keygens + " key generations for the spoofed sources");
            } finally {
                sockets.forEach(DatagramSocket::close);
            }
        }
    }

    private static long spoofedKeygens() {
        return scenario.auditLog().stream()
                .filter(a -> "dh-keygen".equals(a.op())
                        && a.peer() != null
                        && a.peer().startsWith("127.0.")
                        && !a.peer().startsWith("127.0.0."))
                .count();
    }

    /** New SPIs at {@link #PER_SECOND}, round robin over {@code sockets}, never reading an answer. */
    private static void floodFrom(
            List<DatagramSocket> sockets, Side gw, List<IkePayload> payloads, AtomicBoolean stop, AtomicLong sent) {
        long start = System.nanoTime();
        long spi = 0x5500_0000_0000_0000L;
        try {
            while (!stop.get()) {
                long due = millisSince(start) * PER_SECOND / 1000;
                while (sent.get() < due) {
                    send(sockets.get((int) (spi % sockets.size())), gw, request(++spi, payloads, null));
                    sent.incrementAndGet();
                }
                Thread.sleep(10);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("flood: " + e, e);
        }
    }

    /** The branch office's handshakes during a flood and how many of them failed. */
    private record LegitRun(List<Long> latencies, int failed) {}

    /**
     * Legitimate handshakes while a flood runs: {@link #LEGIT_HANDSHAKES} of them, and the flood lasts at least
     * {@link #FLOOD_MILLIS}; bounded by {@link #GUARD_MILLIS}.
     */
    private static LegitRun legitimateHandshakes(Side br, Side gw, long start) throws InterruptedException {
        List<Long> latencies = new ArrayList<>();
        int failed = 0;
        while (latencies.size() + failed < LEGIT_HANDSHAKES || millisSince(start) < FLOOD_MILLIS) {
            assertTrue(millisSince(start) < GUARD_MILLIS, "bounded");
            if (latencies.size() + failed >= LEGIT_HANDSHAKES) {
                Thread.sleep(10);
                continue;
            }
            try {
                latencies.add(handshake(br, gw));
            } catch (Exception | AssertionError e) {
                failed++;
            }
        }
        return new LegitRun(latencies, failed);
    }

    /** One IKE SA from the branch office, in milliseconds. */
    private static long handshake(Side br, Side gw) throws Exception {
        long t = System.nanoTime();
        Scenario.establish(br, gw);
        return millisSince(t);
    }

    private static long attackerKeygens() {
        return scenario.auditLog().stream()
                .filter(a -> "dh-keygen".equals(a.op())
                        && a.peer() != null
                        && a.peer().startsWith(ATTACKER + ":"))
                .count();
    }

    /** New SPIs at {@link #PER_SECOND}, paced in 10 ms slices. */
    private static void flood(
            DatagramSocket socket, Side gw, List<IkePayload> payloads, AtomicBoolean stop, AtomicLong sent) {
        long start = System.nanoTime();
        long spi = 0x7700_0000_0000_0000L;
        try {
            while (!stop.get()) {
                long due = millisSince(start) * PER_SECOND / 1000;
                while (sent.get() < due) {
                    send(socket, gw, request(++spi, payloads, null));
                    sent.incrementAndGet();
                }
                Thread.sleep(10);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("flood: " + e, e);
        }
    }

    /** Answers every COOKIE with the same request, the cookie first (§2.6). */
    private static void echoCookies(
            DatagramSocket socket, Side gw, List<IkePayload> payloads, AtomicBoolean stop, AtomicLong echoed) {
        byte[] buf = new byte[65_536];
        try {
            socket.setSoTimeout(50);
            while (!stop.get()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                IkeMessage m = IkeMessageCodec.decode(Arrays.copyOfRange(buf, MARKER.length, p.getLength()));
                var cookie = m.notification(NotifyType.COOKIE);
                if (cookie.isPresent()) {
                    send(socket, gw, request(m.header().initiatorSpi(), payloads, cookie.get()));
                    echoed.incrementAndGet();
                }
            }
        } catch (IOException | MalformedMessageException e) {
            throw new IllegalStateException("echo: " + e, e);
        }
    }

    private static byte[] request(long spi, List<IkePayload> payloads, IkePayload cookie) {
        List<IkePayload> p = new ArrayList<>();
        if (cookie != null) {
            p.add(cookie);
        }
        p.addAll(payloads);
        return new IkeMessage(IkeHeader.of(spi, 0, ExchangeType.IKE_SA_INIT, true, false, 0), p).encode();
    }

    /** With the non-ESP marker: the daemon's IKE port is not 500 (RFC 3948 §2.2). */
    private static void send(DatagramSocket socket, Side gw, byte[] message) throws IOException {
        byte[] d = new byte[MARKER.length + message.length];
        System.arraycopy(message, 0, d, MARKER.length, message.length);
        socket.send(new DatagramPacket(d, d.length, gw.ike()));
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static long median(List<Long> values) {
        List<Long> s = new ArrayList<>(values);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
