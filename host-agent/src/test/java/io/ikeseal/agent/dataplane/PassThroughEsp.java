package io.ikeseal.agent.dataplane;

import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

import io.ikeseal.agent.esp.EspDrop;
import io.ikeseal.agent.esp.EspOpener;
import io.ikeseal.agent.esp.EspSealer;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaRecord;

/**
 * A stand-in for the ESP transforms where a test needs to see or steer what the halves do: SPI, sequence number,
 * the inner packet in clear, Next Header and a CRC-32 "ICV" (no protection at all, only a check that the data
 * plane hands the halves the right octets), a seen-set replay check, and nothing allocated per packet; it counts destroys and can be told to throw.
 */
final class PassThroughEsp implements EspHalves {
    static final int OVERHEAD = 4 + 4 + 1 + 4;

    final AtomicInteger made = new AtomicInteger();
    final AtomicInteger destroyed = new AtomicInteger();
    volatile boolean throwOnSeal;

    @Override
    public EspSealer sealer(ChildSaRecord sa, ChildSaKeys keys) {
        made.incrementAndGet();
        return new Sealer(sa.outboundSpi());
    }

    @Override
    public EspOpener opener(ChildSaRecord sa, ChildSaKeys keys, int replayWindow) {
        made.incrementAndGet();
        return new Opener(sa.inboundSpi());
    }

    /** CRC-32 of {@code b}'s octets from..to, leaving its position and limit as they were; allocates nothing. */
    private static int crc(CRC32 c, ByteBuffer b, int from, int to) {
        int position = b.position();
        int limit = b.limit();
        c.reset();
        b.limit(to).position(from);
        c.update(b);
        b.limit(limit).position(position);
        return (int) c.getValue();
    }

    private final class Sealer implements EspSealer {
        private final int spi;
        private final CRC32 crc = new CRC32();
        private int seq;
        private long packets;
        private long octets;
        private boolean gone;

        Sealer(int spi) {
            this.spi = spi;
        }

        @Override
        public int spi() {
            return spi;
        }

        @Override
        public boolean seal(ByteBuffer inner, int nextHeader, ByteBuffer out) {
            if (gone) {
                throw new IllegalStateException("destroyed");
            }
            if (throwOnSeal) {
                throwOnSeal = false;
                throw new IllegalStateException("told to throw");
            }
            int start = out.position();
            int n = inner.remaining();
            out.putInt(spi).putInt(++seq).put(inner).put((byte) nextHeader);
            out.putInt(crc(crc, out, start, out.position()));
            packets++;
            octets += n;
            return true;
        }

        @Override
        public int maxOverhead() {
            return OVERHEAD;
        }

        @Override
        public long packets() {
            return packets;
        }

        @Override
        public long octets() {
            return octets;
        }

        @Override
        public void destroy() {
            gone = true;
            destroyed.incrementAndGet();
        }
    }

    private final class Opener implements EspOpener {
        private final int spi;
        private final CRC32 crc = new CRC32();
        private final BitSet seen = new BitSet();
        private long packets;
        private long octets;
        private boolean gone;

        Opener(int spi) {
            this.spi = spi;
        }

        @Override
        public int spi() {
            return spi;
        }

        @Override
        public int open(ByteBuffer esp, ByteBuffer plain) {
            if (gone) {
                throw new IllegalStateException("destroyed");
            }
            int p = esp.position();
            int n = esp.remaining();
            if (n < OVERHEAD) {
                return EspDrop.TRUNCATED.code();
            }
            if (crc(crc, esp, p, p + n - 4) != esp.getInt(p + n - 4)) {
                return EspDrop.BAD_ICV.code();
            }
            int seq = esp.getInt(p + 4);
            if (seq <= 0 || seen.get(seq)) {
                return EspDrop.REPLAY.code();
            }
            seen.set(seq);
            int start = plain.position();
            plain.put(start, esp, p + 8, n - OVERHEAD);
            plain.limit(start + n - OVERHEAD);
            packets++;
            octets += plain.remaining();
            return esp.get(p + n - 5) & 0xff;
        }

        @Override
        public long packets() {
            return packets;
        }

        @Override
        public long octets() {
            return octets;
        }

        @Override
        public void destroy() {
            gone = true;
            destroyed.incrementAndGet();
        }
    }
}
