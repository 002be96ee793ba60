package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * The CHILD_SAs of one IKE SA (RFC 7296 §1.3): what the installer holds for it, found by SPI when the peer deletes
 * one (§1.4.1), and removed from the installer when the IKE SA ends. Runs on the SA's executor.
 */
final class ChildSaTable {
    private static final Logger LOG = LoggerFactory.getLogger(ChildSaTable.class);

    private final List<ChildSaRecord> children = new ArrayList<>();

    void add(ChildSaRecord c) {
        children.add(c);
    }

    /** A snapshot, in the order they were established. */
    List<ChildSaRecord> list() {
        return List.copyOf(children);
    }

    /** Removes and returns the CHILD_SAs whose outbound SPI is {@code peerInbound} (the peer's Delete, §1.4.1). */
    List<ChildSaRecord> removeSendingTo(int peerInbound) {
        List<ChildSaRecord> gone =
                children.stream().filter(c -> c.outboundSpi() == peerInbound).toList();
        children.removeAll(gone);
        return gone;
    }

    /**
     * IKE SA rekey (RFC 7296 §2.18): the CHILD_SAs now belong to {@code target}, their records naming its SPIs; the
     * installer keeps them untouched. Runs on this SA's executor and hands them over on the target's.
     */
    void moveTo(IkeSa target) {
        List<ChildSaRecord> moving = List.copyOf(children);
        children.clear();
        target.exec().execute(() -> moving.forEach(c -> target.children().add(withIkeSpis(c, target))));
    }

    private static ChildSaRecord withIkeSpis(ChildSaRecord c, IkeSa sa) {
        return new ChildSaRecord(
                c.connection(),
                c.name(),
                sa.spiI(),
                sa.spiR(),
                c.inboundSpi(),
                c.outboundSpi(),
                c.suite(),
                c.mode(),
                c.localTs(),
                c.remoteTs(),
                c.local(),
                c.remote(),
                c.udpEncapsulation(),
                c.lifetime(),
                c.established());
    }

    /**
     * The IKE SA ends: every CHILD_SA goes from the installer (§1.4.1), each with its removal event; a failure to
     * remove one is logged.
     */
    void removeAll(SaOutputs outputs, IkeSaInfo ikeSa, String ikeSaName, String reason) {
        for (ChildSaRecord c : children) {
            remove(outputs, ikeSa, ikeSaName, c, reason);
        }
        children.clear();
    }

    /** One CHILD_SA out of the installer, and its removal announced (the match of its establishment event). */
    static void remove(SaOutputs outputs, IkeSaInfo ikeSa, String ikeSaName, ChildSaRecord c, String reason) {
        try {
            outputs.installer().remove(c);
        } catch (RuntimeException e) {
            LOG.warn("{}: removing CHILD_SA {} failed: {}", ikeSaName, c.describe(), e.toString());
        }
        outputs.events().childSaDeleted(ikeSa, c, reason);
    }
}
