package io.ikeseal.agent.dataplane;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.ikeseal.agent.esp.EspDrop;
import io.ikeseal.agent.esp.EspOpener;
import io.ikeseal.agent.esp.EspSealer;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.ChildSaTraffic;

/**
 * A CHILD_SA in the data plane: its ESP halves and SPD policies. Each half is used by one thread at a time, as the
 * halves require: a lock per half, uncontended unless several TUN queues send on one SA at once. Destroying takes
 * the same locks, so no packet is sealed or opened with zeroed keys; afterwards both halves refuse.
 */
final class InstalledSa {
    private final ChildSaRecord record;
    private final EspSealer sealer;
    private final EspOpener opener;
    private final List<SpdPolicy<InstalledSa>> policies;
    private final SpdPolicy<?>[] inboundPolicies; // an array: no iterator per packet
    private final int maxOverhead;
    private final Object sealLock = new Object();
    private final Object openLock = new Object();
    private boolean sealerDestroyed; // guarded by sealLock
    private boolean openerDestroyed; // guarded by openLock

    /** An SA with one SPD policy per pair of a local and a remote selector. */
    @SuppressWarnings("ThisEscapedInObjectConstruction") // the policies only hold the reference until published
    InstalledSa(ChildSaRecord record, EspSealer sealer, EspOpener opener, List<CompiledSelector[]> pairs) {
        this.record = record;
        this.sealer = sealer;
        this.opener = opener;
        List<SpdPolicy<InstalledSa>> built = new ArrayList<>();
        for (CompiledSelector[] pair : pairs) {
            built.add(new SpdPolicy<>(pair[0], pair[1], this));
        }
        this.policies = List.copyOf(built);
        this.inboundPolicies = built.toArray(new SpdPolicy<?>[0]);
        this.maxOverhead = sealer.maxOverhead();
    }

    ChildSaRecord record() {
        return record;
    }

    List<SpdPolicy<InstalledSa>> policies() {
        return policies;
    }

    int maxOverhead() {
        return maxOverhead;
    }

    /**
     * Seals {@code inner} into {@code out} (see {@link EspSealer#seal}).
     *
     * @return 0 when sealed, otherwise the {@link EspDrop#code()} of why not
     */
    int seal(ByteBuffer inner, int nextHeader, ByteBuffer out) {
        synchronized (sealLock) {
            if (sealerDestroyed) {
                return EspDrop.NO_OUTBOUND_SA.code(); // removed between SPD lookup and here
            }
            return sealer.seal(inner, nextHeader, out) ? 0 : EspDrop.SEQUENCE_EXHAUSTED.code();
        }
    }

    /** Opens {@code esp} into {@code plain} (see {@link EspOpener#open}). */
    int open(ByteBuffer esp, ByteBuffer plain) {
        synchronized (openLock) {
            if (openerDestroyed) {
                return EspDrop.UNKNOWN_SPI.code(); // removed between SPI lookup and here
            }
            return opener.open(esp, plain);
        }
    }

    /** Whether the inner packet an SA delivered lies within its selectors (RFC 4301 §5.2 step 4). */
    boolean admitsInbound(InnerPacket packet) {
        for (SpdPolicy<?> p : inboundPolicies) {
            if (p.admitsInbound(packet)) {
                return true;
            }
        }
        return false;
    }

    ChildSaTraffic traffic() {
        return new ChildSaTraffic(opener.packets(), opener.octets(), sealer.packets(), sealer.octets());
    }

    /** Zeroes both halves' keys; idempotent. */
    void destroy() {
        synchronized (sealLock) {
            if (!sealerDestroyed) {
                sealerDestroyed = true;
                sealer.destroy();
            }
        }
        synchronized (openLock) {
            if (!openerDestroyed) {
                openerDestroyed = true;
                opener.destroy();
            }
        }
    }
}
