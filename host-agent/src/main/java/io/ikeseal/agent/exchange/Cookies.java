package io.ikeseal.agent.exchange;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.ikeseal.agent.wire.WireWriter;

/**
 * Stateless COOKIEs (RFC 7296 §2.6): Cookie = VersionIDofSecret | SHA-256(Ni | IPi | SPIi | secret). The secret is
 * regenerated every {@link #ROTATION}; cookies made with the previous secret stay valid for one more period, so a
 * retry in flight across a rotation is not refused. The secret is host memory by design: it protects no traffic,
 * only the responder's effort.
 */
public final class Cookies {
    static final Duration ROTATION = Duration.ofMinutes(5);
    private static final int VERSION_LENGTH = 4;

    private final SecureRandom random;
    private final Clock clock;
    private Secret current;
    private Secret previous;

    private record Secret(int version, byte[] value, Instant created) {}

    public Cookies(SecureRandom random, Clock clock) {
        this.random = random;
        this.clock = clock;
        this.current = fresh(random.nextInt());
    }

    /** The cookie for an initiator's request. */
    public synchronized byte[] make(byte[] ni, InetAddress ipi, long spiI) {
        rotate();
        return cookie(current, ni, ipi, spiI);
    }

    /** Whether {@code cookie} is one we made for these values with the current or previous secret. */
    public synchronized boolean valid(byte[] cookie, byte[] ni, InetAddress ipi, long spiI) {
        rotate();
        if (cookie == null || cookie.length < VERSION_LENGTH) {
            return false;
        }
        int version = ((cookie[0] & 0xff) << 24)
                | ((cookie[1] & 0xff) << 16)
                | ((cookie[2] & 0xff) << 8)
                | (cookie[3] & 0xff);
        for (Secret s : new Secret[] {current, previous}) {
            if (s != null && s.version == version && MessageDigest.isEqual(cookie, cookie(s, ni, ipi, spiI))) {
                return true;
            }
        }
        return false;
    }

    private void rotate() {
        if (Duration.between(current.created, clock.instant()).compareTo(ROTATION) >= 0) {
            previous = current;
            current = fresh(current.version + 1);
        }
    }

    private Secret fresh(int version) {
        byte[] v = new byte[32];
        random.nextBytes(v);
        return new Secret(version, v, clock.instant());
    }

    private static byte[] cookie(Secret s, byte[] ni, InetAddress ipi, long spiI) {
        byte[] ip = ipi.getAddress();
        WireWriter in = new WireWriter(ni.length + ip.length + 8 + s.value.length);
        in.bytes(ni).bytes(ip).u64(spiI).bytes(s.value);
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(in.array());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        WireWriter out = new WireWriter(VERSION_LENGTH + digest.length);
        return out.u32(s.version & 0xffffffffL).bytes(digest).array();
    }
}
