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

    private final List<ChildSaRecord> children = new ArrayList<>(1); // grows; most IKE SAs carry one

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
