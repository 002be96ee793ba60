package io.ikeseal.agent.dataplane.tun;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/** ICMP echo for the TUN tests: turns a request into its reply in place (RFC 792, RFC 4443 §4), builds requests. */
final class Icmp {
    private Icmp() {}

    /**
     * If the IP packet between position 0 and the limit is an ICMP or ICMPv6 echo request, rewrites it into the echo
     * reply (addresses swapped, type changed, checksums recomputed) and returns true.
     */
    static boolean toEchoReply(ByteBuffer p) {
        int length = p.limit();
        if (length < 1) {
            return false;
        }
        int version = (p.get(0) & 0xff) >> 4;
        if (version == 4 && length >= 28) {
            int ihl = (p.get(0) & 0x0f) * 4;
            if (p.get(9) != 1 || length < ihl + 8 || (p.get(ihl) & 0xff) != 8) {
                return false;
            }
            swap(p, 12, 16, 4);
            p.put(8, (byte) 64);
            p.put(ihl, (byte) 0);
            p.putShort(ihl + 2, (short) 0);
            p.putShort(ihl + 2, (short) checksum(p, ihl, length - ihl, 0));
            p.putShort(10, (short) 0);
            p.putShort(10, (short) checksum(p, 0, ihl, 0));
            return true;
        }
        if (version == 6 && length >= 48) {
            if (p.get(6) != 58 || (p.get(40) & 0xff) != 128) {
                return false;
            }
            swap(p, 8, 24, 16);
            p.put(7, (byte) 64);
            p.put(40, (byte) 129);
            p.putShort(42, (short) 0);
            int icmpLength = length - 40;
            // pseudo-header (RFC 8200 §8.1): addresses, upper-layer length, next header
            long pseudo = sum(p, 8, 32) + icmpLength + 58;
            p.putShort(42, (short) checksum(p, 40, icmpLength, pseudo));
            return true;
        }
        return false;
    }

    /** An IPv4 ICMP echo request from {@code src} to {@code dst} with {@code payload} octets of data. */
    static ByteBuffer echoRequest4(InetAddress src, InetAddress dst, int payload) {
        int length = 20 + 8 + payload;
        ByteBuffer p = ByteBuffer.allocateDirect(length);
        p.put(0, (byte) 0x45);
        p.putShort(2, (short) length);
        p.put(8, (byte) 64);
        p.put(9, (byte) 1);
        p.put(12, src.getAddress());
        p.put(16, dst.getAddress());
        p.putShort(10, (short) checksum(p, 0, 20, 0));
        p.put(20, (byte) 8);
        p.putShort(24, (short) 0x1d11); // identifier
        p.putShort(26, (short) 1); // sequence
        for (int i = 28; i < length; i++) {
            p.put(i, (byte) i);
        }
        p.putShort(22, (short) checksum(p, 20, length - 20, 0));
        return p;
    }

    private static void swap(ByteBuffer p, int a, int b, int n) {
        for (int i = 0; i < n; i++) {
            byte t = p.get(a + i);
            p.put(a + i, p.get(b + i));
            p.put(b + i, t);
        }
    }

    private static long sum(ByteBuffer p, int offset, int length) {
        long s = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            s += p.getShort(offset + i) & 0xffff;
        }
        if ((length & 1) != 0) {
            s += (p.get(offset + length - 1) & 0xff) << 8;
        }
        return s;
    }

    /** The Internet checksum (RFC 1071) over {@code length} octets, plus {@code initial} (a pseudo-header's sum). */
    private static int checksum(ByteBuffer p, int offset, int length, long initial) {
        long s = initial + sum(p, offset, length);
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) (~s & 0xffff);
    }
}
