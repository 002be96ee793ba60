package io.ikeseal.hsm.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.hsm.api.AuditContext;

/**
 * The syslog mirror: every record reaches the file and, as a strict RFC 5424 message, a UDP collector; a collector
 * that fails or blocks costs only the mirror's copies (counted), never an append or a barrier.
 */
class SyslogMirrorTest {
    /** RFC 5424 §6: HEADER SP STRUCTURED-DATA [SP MSG]; header fields are 1*N PRINTUSASCII or "-". */
    static final Pattern MESSAGE = Pattern.compile(
            "<(\\d{1,3})>1 (\\S+) ([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) ([!-~]{1,32}) (-|(?:\\[[^\\]\\\\\"]*(?:(?:\"(?:[^\"\\\\]|\\\\.)*\")[^\\]\\\\\"]*)*\\])+)(?: ([ -~]*))?");

    /** The mirror's queue in the stuck-collector test: small, so that overflowing it takes few records. */
    private static final int QUEUE = 32;

    @TempDir
    Path dir;

    @Test
    void recordsReachTheFileAndACollectorAsRfc5424() throws Exception {
        try (DatagramSocket collector =
                new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            collector.setSoTimeout(5000);
            HashChainedAuditLog log = HashChainedAuditLog.open(dir.resolve("audit.log"));
            Rfc5424 format = new Rfc5424(10, "gw-1", "ikeseal", 4242);
            try (SyslogMirror m = new SyslogMirror(
                    log, format, List.of(new UdpSyslogTarget((InetSocketAddress) collector.getLocalSocketAddress())))) {
                m.append(record("dh-derive", "ok", "peer \"x\" ]\\")).join();
                m.append(record("sign", "CKR_DEVICE_ERROR", null)).join();
                List<String> got = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
                    collector.receive(p);
                    got.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                }
                Matcher ok = parse(got.get(0));
                assertEquals(10 * 8 + 6, Integer.parseInt(ok.group(1)), "authpriv.info");
                assertEquals(Instant.parse("2026-12-06T23:00:00.123456Z"), Instant.parse(ok.group(2)));
                assertEquals("gw-1", ok.group(3));
                assertEquals("ikeseal", ok.group(4));
                assertEquals("4242", ok.group(5));
                assertEquals("dh-derive", ok.group(6));
                assertTrue(
                        ok.group(7).startsWith("[" + Rfc5424.SD_ID + " token=\"hsm\" op=\"dh-derive\""), ok.group(7));
                assertTrue(ok.group(7).contains("peer=\"peer \\\"x\\\" \\]\\\\\""), ok.group(7)); // §6.3.3 escapes
                assertTrue(ok.group(7).contains("spiI=\"0123456789abcdef\""), ok.group(7));
                assertEquals("dh-derive on token hsm: ok", ok.group(8));
                assertEquals(10 * 8 + 4, Integer.parseInt(parse(got.get(1)).group(1)), "authpriv.warning");
                assertEquals(2, m.sent());
            }
            assertEquals(2, Files.readAllLines(dir.resolve("audit.log")).size());
        }
    }

    @Test
    void aFailingOrStuckCollectorNeverHoldsUpTheLog() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SyslogTarget stuck = new SyslogTarget() {
            @Override
            public void send(byte[] message) {
                try {
                    release.await(10, TimeUnit.SECONDS); // a collector whose socket buffer never drains
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public String describe() {
                return "stuck";
            }

            @Override
            public void close() {}
        };
        SyslogTarget failing = new SyslogTarget() {
            @Override
            public void send(byte[] message) throws IOException {
                throw new IOException("connection refused");
            }

            @Override
            public String describe() {
                return "down";
            }

            @Override
            public void close() {}
        };
        HashChainedAuditLog log = HashChainedAuditLog.open(dir.resolve("audit.log"));
        SyslogMirror m = new SyslogMirror(log, new Rfc5424(13, "h", "ikeseal", 1), List.of(failing, stuck), QUEUE);
        try {
            int n = QUEUE + 100;
            long t0 = System.nanoTime();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(m.append(record("dh-keygen", "ok", null)));
            }
            m.barrier(null).get(10, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(8), "appends waited for the collector");
            all.forEach(CompletableFuture::join);
            assertFalse(m.broken());
            assertTrue(m.admit().isEmpty());
            assertTrue(m.dropped("queue-full") >= 99, "queue-full " + m.dropped("queue-full"));
            assertTrue(m.dropped("send-failed") >= 1, "send-failed " + m.dropped("send-failed"));
        } finally {
            release.countDown();
            m.close();
        }
        assertEquals(QUEUE + 100, Files.readAllLines(dir.resolve("audit.log")).size());
    }

    static Matcher parse(String message) {
        Matcher m = MESSAGE.matcher(message);
        assertTrue(m.matches(), "not RFC 5424: " + message);
        assertTrue(Integer.parseInt(m.group(1)) <= 191, "PRI");
        return m;
    }

    private static AuditRecord record(String op, String result, String peer) {
        return new AuditRecord(
                Instant.parse("2026-12-06T23:00:00.123456789Z"),
                "hsm",
                op,
                "CKM_ECDH1_DERIVE",
                "g^ir",
                new AuditContext("0123456789abcdef", "fedcba9876543210", peer),
                result,
                42);
    }
}
