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
 * regenerated every {@code rotation} (§2.6: "periodically"); cookies made with the previous secret stay valid for a
 * {@code grace} period after it was due to retire, so a retry in flight across a rotation is not refused, and not
 * longer, so a harvested cookie cannot be replayed for ever. Time comes from the scheduler's clock. The secret is
 * host memory by design: it protects no traffic, only the responder's effort.
 */
public final class Cookies {
    static final Duration ROTATION = Duration.ofMinutes(5);
    /** Several retransmission intervals (RFC 7296 §2.1) of an initiator that got its cookie just before rotation. */
    static final Duration GRACE = Duration.ofSeconds(30);

    private static final int VERSION_LENGTH = 4;

    private final SecureRandom random;
    private final Clock clock;
    private final Duration rotation;
    private final Duration grace;
    private Secret current;
    private Secret previous;
    /** When {@link #previous} stops being accepted. */
    private Instant previousUntil = Instant.MIN;

    private record Secret(int version, byte[] value, Instant created) {}

    public Cookies(SecureRandom random, Clock clock) {
        this(random, clock, ROTATION, GRACE);
    }

    /** @param grace how long after its due rotation the previous secret is still accepted; shorter than rotation */
    public Cookies(SecureRandom random, Clock clock, Duration rotation, Duration grace) {
        if (rotation.isNegative() || rotation.isZero() || grace.isNegative() || grace.compareTo(rotation) >= 0) {
            throw new IllegalArgumentException("cookie rotation " + rotation + " must exceed its grace " + grace);
        }
        this.random = random;
        this.clock = clock;
        this.rotation = rotation;
        this.grace = grace;
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
        Secret old = clock.instant().isBefore(previousUntil) ? previous : null;
        for (Secret s : new Secret[] {current, old}) {
            if (s != null && s.version == version && MessageDigest.isEqual(cookie, cookie(s, ni, ipi, spiI))) {
                return true;
            }
        }
        return false;
    }

    private void rotate() {
        Instant due = current.created.plus(rotation);
        if (!clock.instant().isBefore(due)) {
            // Retired when it was due, not when first asked after: after a quiet hour no old secret is accepted.
            previous = current;
            previousUntil = due.plus(grace);
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
