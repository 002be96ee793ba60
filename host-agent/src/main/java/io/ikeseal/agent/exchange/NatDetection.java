package io.ikeseal.agent.exchange;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.WireWriter;

/**
 * NAT detection (RFC 7296 §2.23): each side sends SHA-1(SPIi | SPIr | IP | port) of the packet's source
 * (NAT_DETECTION_SOURCE_IP, possibly several) and destination (NAT_DETECTION_DESTINATION_IP). SPIr is zero in the
 * IKE_SA_INIT request. A mismatch on the destination hash means we are behind a NAT; on the source hashes, the peer.
 * SHA-1 here is a fingerprint the RFC fixes, not a security function.
 */
public final class NatDetection {
    private NatDetection() {}

    /**
     * The two notifications for a message from {@code local} to {@code remote}. With {@code fakeSource} the source
     * hash is taken over port 0 of the unspecified address, which no packet comes from: the peer sees us behind a NAT
     * and encapsulates ESP in UDP (RFC 3948), as with strongSwan's {@code encap = yes}.
     */
    public static List<NotifyPayload> notifications(
            long spiI, long spiR, InetSocketAddress local, InetSocketAddress remote, boolean fakeSource) {
        InetSocketAddress source = fakeSource ? unspecified(local) : local;
        return List.of(
                NotifyPayload.of(NotifyType.NAT_DETECTION_SOURCE_IP, hash(spiI, spiR, source)),
                NotifyPayload.of(NotifyType.NAT_DETECTION_DESTINATION_IP, hash(spiI, spiR, remote)));
    }

    private static InetSocketAddress unspecified(InetSocketAddress like) {
        byte[] zeros = new byte[like.getAddress().getAddress().length];
        try {
            return new InetSocketAddress(java.net.InetAddress.getByAddress(zeros), 0);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("4 or 16 octets are an address", e);
        }
    }

    /**
     * What the peer's notifications tell: both flags false when it sent none (no NAT detection, §2.23).
     * {@code forced}: we encapsulate although no NAT was seen (see {@link #notifications}).
     */
    public record Result(boolean localBehindNat, boolean peerBehindNat, boolean supported, boolean forced) {
        public Result(boolean localBehindNat, boolean peerBehindNat, boolean supported) {
            this(localBehindNat, peerBehindNat, supported, false);
        }

        /** ESP goes in UDP and IKE moves to the NAT-T port: a NAT was seen, or encapsulation is forced. */
        public boolean any() {
            return localBehindNat || peerBehindNat || forced;
        }

        /** A NAT was actually seen on the path (for logs and status). */
        public boolean natSeen() {
            return localBehindNat || peerBehindNat;
        }

        /** The same, forced to encapsulate when {@code force} and the peer does NAT traversal at all. */
        public Result forcing(boolean force) {
            return new Result(localBehindNat, peerBehindNat, supported, forced || (force && supported));
        }
    }

    /**
     * Checks a received message's NAT_DETECTION notifications.
     *
     * @param sender    where the message came from, as we see it
     * @param recipient where it arrived, our address as we see it
     */
    public static Result check(
            List<NotifyPayload> notifications,
            long spiI,
            long spiR,
            InetSocketAddress sender,
            InetSocketAddress recipient) {
        byte[] src = hash(spiI, spiR, sender);
        byte[] dst = hash(spiI, spiR, recipient);
        boolean sawSource = false;
        boolean sourceMatches = false;
        boolean sawDestination = false;
        boolean destinationMatches = false;
        for (NotifyPayload n : notifications) {
            if (n.notifyType() == NotifyType.NAT_DETECTION_SOURCE_IP) {
                sawSource = true;
                sourceMatches |= MessageDigest.isEqual(src, n.data());
            } else if (n.notifyType() == NotifyType.NAT_DETECTION_DESTINATION_IP) {
                sawDestination = true;
                destinationMatches |= MessageDigest.isEqual(dst, n.data());
            }
        }
        if (!sawSource || !sawDestination) {
            return new Result(false, false, false);
        }
        return new Result(!destinationMatches, !sourceMatches, true);
    }

    static byte[] hash(long spiI, long spiR, InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        WireWriter w = new WireWriter(16 + ip.length + 2);
        w.u64(spiI).u64(spiR).bytes(ip).u16(a.getPort());
        try {
            return MessageDigest.getInstance("SHA-1").digest(w.array());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
