package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

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
 * Issue 9's floods on real sockets (loopback, sources across 127.0.0.0/8), each at least 1,000 IKE_SA_INIT requests
 * a second for at least 3 s while a branch office on 127.0.0.1 establishes IKE SAs one after the other: (a) one host
 * echoing every COOKIE, (b) 4,000 hosts echoing every COOKIE, (c) plain requests from 64 addresses that never answer.
 * In each, every legitimate handshake completes (99 % of 20 is all of them), their median latency stays within twice
 * the unloaded median plus {@link #ALLOWANCE_MILLIS}, and the attackers' key generations in the token stay within a
 * bound that follows from the admission limits (RFC 7296 §2.6, RFC 8019 §4). The figures are printed for the record.
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
    private static final int UNLOADED_HANDSHAKES = 5;
    /** Test (b)'s botnet: each address in its own /24 of 127.16.0.0/12, so no per-address or per-prefix limit binds. */
    private static final int BOTNET = 4_000;
    /**
     * Added to twice the unloaded median. That median is of 5 handshakes just before the flood, on a 2-core machine
     * that other builds share, where a loopback handshake takes 40-150 ms and the median of 5 moves by tens of ms from
     * one run to the next; and the flood's own threads (in this JVM) take CPU from the same 2 cores. 20 ms absorbs that
     * measurement noise; it is small against what a handshake that lost its place to the flood costs (a retransmission
     * after 2 s, ike.retransmit-timeout).
     */
    private static final long ALLOWANCE_MILLIS = 20;

    @Test
    void oneHostEchoingCookiesCannotCrowdOutOthersOrRunTheToken() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                Side br = scenario.start("branch", ConnectionYaml.branch(gw));
                RawInitiator shape = new RawInitiator(gw.ike());
                DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(ATTACKER), 0))) {
            List<Long> unloaded = unloaded(br, gw);
            long keygensBefore = keygens(CookieEchoFloodTest::isAttacker);
            List<IkePayload> payloads = shape.initPayloads();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            AtomicLong echoed = new AtomicLong();
            FloodRun run = whileFlooding(
                    br,
                    gw,
                    stop,
                    () -> echoCookies(socket, gw, payloads, stop, echoed),
                    () -> flood(socket, gw, payloads, stop, sent));
            LegitRun legit = run.legit();
            long floodMillis = run.millis();
            long keygens = keygens(CookieEchoFloodTest::isAttacker) - keygensBefore;
            report("(a) one host echoing cookies", sent.get(), floodMillis, keygens, unloaded, legit);
            System.out.printf(
                    "(a) %d cookies echoed, %d dropped at the source limit%n",
                    echoed.get(), gw.counters().getSa("half-open-source-limit"));
            assertTrue(rate(sent.get(), floodMillis) >= 1_000, "flood rate");
            assertLegitimateServed(unloaded, legit);
            // The host's half-open SAs never finish, and live longer than the flood (ike.half-open-timeout 30 s):
            // at most the per-source limit of them, each one key generation.
            assertTrue(
                    keygens <= AdmissionSettings.DEFAULT.sourceLimit(), keygens + " key generations for the attacker");
            assertTrue(gw.counters().getSa("half-open-source-limit") >= sent.get() / 2);
        }
    }

    /**
     * Test (b) of issue 9: {@link #BOTNET} addresses, each in its own /24, send together 1,500 new IKE_SA_INIT requests
     * a second for 3 s and each echoes every COOKIE it gets, as a botnet would. No per-address or per-prefix limit
     * binds; the global half-open limit does, so the botnet's half-open SAs fill the table and every new requester
     * from an unknown address is dropped until they expire. The branch office authenticated from its address before
     * the flood, so its requests still pass (cookie first) within the known peers' own reserve of half-open SAs.
     */
    @Test
    void fourThousandHostsEchoingCookiesCostAtMostTheGlobalHalfOpenLimit() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                Side br = scenario.start("branch", ConnectionYaml.branch(gw));
                RawInitiator shape = new RawInitiator(gw.ike());
                Selector selector = Selector.open()) {
            List<Long> unloaded = unloaded(br, gw);
            List<DatagramChannel> channels = new ArrayList<>();
            try {
                for (int i = 0; i < BOTNET; i++) {
                    DatagramChannel c = DatagramChannel.open();
                    channels.add(c);
                    c.bind(new InetSocketAddress(
                            InetAddress.getByAddress(new byte[] {127, (byte) (16 + i / 256), (byte) (i % 256), 1}), 0));
                    c.configureBlocking(false);
                    c.register(selector, SelectionKey.OP_READ);
                }
                long before = keygens(CookieEchoFloodTest::isBotnet);
                long opsBefore = tokenOperations(CookieEchoFloodTest::isBotnet);
                List<IkePayload> payloads = shape.initPayloads();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong sent = new AtomicLong();
                AtomicLong echoed = new AtomicLong();
                FloodRun run =
                        whileFlooding(br, gw, stop, () -> botnet(selector, channels, gw, payloads, stop, sent, echoed));
                LegitRun legit = run.legit();
                long millis = run.millis();
                long keygens = keygens(CookieEchoFloodTest::isBotnet) - before;
                report("(b) 4,000 hosts echoing cookies", sent.get(), millis, keygens, unloaded, legit);
                System.out.printf(
                        "(b) %d token operations for the botnet; %d cookies echoed, %d COOKIEs sent, %d dropped at the"
                                + " global limit, %d init queue full%n",
                        tokenOperations(CookieEchoFloodTest::isBotnet) - opsBefore,
                        echoed.get(),
                        gw.counters().getSa("cookie-sent"),
                        gw.counters().getSa("half-open-limit"),
                        gw.counters().getSa("init-queue-full"));
                assertTrue(rate(sent.get(), millis) >= 1_000, "flood rate");
                assertLegitimateServed(unloaded, legit);
                // The botnet's SAs never finish and outlive the flood (ike.half-open-timeout 30 s), and an unknown
                // address is dropped once the table holds the global limit: one key generation per admitted SA.
                assertTrue(millis < ExchangeSettings.DEFAULT.halfOpenTimeout().toMillis(), "no SA expired meanwhile");
                assertTrue(
                        keygens <= AdmissionSettings.DEFAULT.halfOpenLimit(),
                        keygens + " key generations for the botnet");
            } finally {
                for (DatagramChannel c : channels) {
                    c.close();
                }
            }
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
            List<Long> unloaded = unloaded(br, gw);
            List<DatagramSocket> sockets = new ArrayList<>();
            try {
                for (int i = 1; i <= 64; i++) {
                    sockets.add(
                            new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0." + i + ".9"), 0)));
                }
                long before = keygens(CookieEchoFloodTest::isSpoofed);
                List<IkePayload> payloads = shape.initPayloads();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong sent = new AtomicLong();
                FloodRun run = whileFlooding(br, gw, stop, () -> floodFrom(sockets, gw, payloads, stop, sent));
                LegitRun legit = run.legit();
                long millis = run.millis();
                long keygens = keygens(CookieEchoFloodTest::isSpoofed) - before;
                report("(c) 64 spoofed sources", sent.get(), millis, keygens, unloaded, legit);
                System.out.printf(
                        "(c) %d COOKIEs sent, %d COOKIE answers rate-limited%n",
                        gw.counters().getSa("cookie-sent"), gw.counters().getSa("refusal-rate-limited.COOKIE"));
                assertTrue(rate(sent.get(), millis) >= 1_000, "flood rate");
                assertLegitimateServed(unloaded, legit);
                // Unanswered cookies admit nothing: only the requests before the global cookie threshold was reached.
                assertTrue(
                        keygens <= ExchangeSettings.DEFAULT.cookieThreshold(),
                        keygens + " key generations for the spoofed sources");
            } finally {
                sockets.forEach(DatagramSocket::close);
            }
        }
    }

    private static boolean isAttacker(String peer) {
        return peer.startsWith(ATTACKER + ":");
    }

    /** 127.16.0.0/12, test (b)'s addresses. */
    private static boolean isBotnet(String peer) {
        String[] octets = peer.split("[.:]", 3);
        int second = octets.length == 3 && octets[0].equals("127") ? Integer.parseInt(octets[1]) : -1;
        return second >= 16 && second < 32;
    }

    /** 127.0.1.0 - 127.0.64.255, test (c)'s addresses. */
    private static boolean isSpoofed(String peer) {
        return peer.startsWith("127.0.") && !peer.startsWith("127.0.0.");
    }

    /** Key generations in the gateway's token for peers {@code peer} accepts, as its audit log records them. */
    private static long keygens(Predicate<String> peer) {
        return scenario.auditLog().stream()
                .filter(a -> "dh-keygen".equals(a.op()) && a.peer() != null && peer.test(a.peer()))
                .count();
    }

    /** Token operations of any kind for peers {@code peer} accepts. */
    private static long tokenOperations(Predicate<String> peer) {
        return scenario.auditLog().stream()
                .filter(a -> a.peer() != null && peer.test(a.peer()))
                .count();
    }

    /** The branch office's handshakes before a flood: what "unloaded" means here. */
    private static List<Long> unloaded(Side br, Side gw) throws Exception {
        List<Long> unloaded = new ArrayList<>();
        for (int i = 0; i < UNLOADED_HANDSHAKES; i++) {
            unloaded.add(handshake(br, gw));
        }
        return unloaded;
    }

    /**
     * Issue 9: at least 99 % complete (of 20, all of them), and the median within twice the unloaded median plus
     * {@link #ALLOWANCE_MILLIS}. The median, since a handshake that lost a datagram on a loaded machine waits for its
     * retransmission (2 s) and would dominate a mean or a maximum of 20 without saying anything about the flood.
     */
    private static void assertLegitimateServed(List<Long> unloaded, LegitRun legit) {
        assertEquals(0, legit.failed(), "legitimate handshakes failed");
        long bound = 2 * median(unloaded) + ALLOWANCE_MILLIS;
        assertTrue(
                median(legit.latencies()) <= bound,
                "loaded median " + median(legit.latencies()) + " ms > " + bound + " ms: " + legit.latencies());
    }

    private static void report(String flood, long sent, long millis, long keygens, List<Long> unloaded, LegitRun l) {
        System.out.printf(
                "%s: %d requests in %d ms (%.0f/s); attacker key generations %d; legit %d/%d, latency unloaded median"
                        + " %d ms max %d ms, loaded median %d ms p99 %d ms %s%n",
                flood,
                sent,
                millis,
                rate(sent, millis),
                keygens,
                l.latencies().size(),
                l.latencies().size() + l.failed(),
                median(unloaded),
                Collections.max(unloaded),
                l.latencies().isEmpty() ? -1 : median(l.latencies()),
                l.latencies().isEmpty() ? -1 : percentile(l.latencies(), 99),
                l.latencies());
    }

    private static double rate(long sent, long millis) {
        return sent * 1000.0 / millis;
    }

    /**
     * {@link #PER_SECOND} new SPIs round robin over {@code channels}, each echoing every COOKIE it gets at once, in
     * one thread: sending what is due, then at most 5 ms for answers.
     */
    private static void botnet(
            Selector selector,
            List<DatagramChannel> channels,
            Side gw,
            List<IkePayload> payloads,
            AtomicBoolean stop,
            AtomicLong sent,
            AtomicLong echoed) {
        long start = System.nanoTime();
        long spi = 0x4400_0000_0000_0000L;
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        try {
            while (!stop.get()) {
                long due = millisSince(start) * PER_SECOND / 1000;
                while (sent.get() < due) {
                    DatagramChannel c = channels.get((int) (++spi % channels.size()));
                    if (c.send(ByteBuffer.wrap(framed(request(spi, payloads, null))), gw.ike()) > 0) {
                        sent.incrementAndGet();
                    }
                }
                selector.select(5);
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    DatagramChannel c = (DatagramChannel) k.channel();
                    buf.clear();
                    while (c.receive(buf) != null) {
                        IkeMessage m =
                                IkeMessageCodec.decode(Arrays.copyOfRange(buf.array(), MARKER.length, buf.position()));
                        buf.clear();
                        var cookie = m.notification(NotifyType.COOKIE);
                        if (cookie.isPresent()) {
                            c.send(
                                    ByteBuffer.wrap(framed(request(m.header().initiatorSpi(), payloads, cookie.get()))),
                                    gw.ike());
                            echoed.incrementAndGet();
                        }
                    }
                }
            }
        } catch (IOException | MalformedMessageException e) {
            throw new IllegalStateException("botnet: " + e, e);
        }
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

    /** The legitimate handshakes of a flood, and how long the flood ran. */
    private record FloodRun(LegitRun legit, long millis) {}

    /**
     * Runs the legitimate handshakes while each of {@code attackers} runs on a thread of its own, then sets
     * {@code stop} and waits (bounded) for them.
     */
    private static FloodRun whileFlooding(Side br, Side gw, AtomicBoolean stop, Runnable... attackers)
            throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Runnable a : attackers) {
            threads.add(Thread.ofPlatform().name("flood-", threads.size()).start(a));
        }
        long start = System.nanoTime();
        try {
            return new FloodRun(legitimateHandshakes(br, gw, start), millisSince(start));
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join(5_000);
            }
        }
    }

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
        byte[] d = framed(message);
        socket.send(new DatagramPacket(d, d.length, gw.ike()));
    }

    private static byte[] framed(byte[] message) {
        byte[] d = new byte[MARKER.length + message.length];
        System.arraycopy(message, 0, d, MARKER.length, message.length);
        return d;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static long median(List<Long> values) {
        return percentile(values, 50);
    }

    /** The nearest-rank percentile. */
    private static long percentile(List<Long> values, int p) {
        List<Long> s = new ArrayList<>(values);
        Collections.sort(s);
        return s.get(Math.max(0, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }
}
