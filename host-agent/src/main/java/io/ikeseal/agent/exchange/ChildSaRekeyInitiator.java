package io.ikeseal.agent.exchange;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.WireWriter;

/**
 * CHILD_SA rekey as initiator (RFC 7296 §1.3.3, §2.8): a {@link ChildSaCreateInitiator} with N(REKEY_SA) naming our
 * inbound SPI of the old CHILD_SA, the same configuration (PFS when its proposal names a group). Make before break:
 * the new CHILD_SA is installed and announced as its successor, then the old one is deleted. When the peer rekeyed
 * the same CHILD_SA meanwhile (§2.8.1), the exchange with the lowest of the four nonces made the redundant one, and
 * its initiator deletes it; the other initiator deletes the old one. On CHILD_SA_NOT_FOUND (§2.25) our half goes
 * and a fresh CHILD_SA is created instead.
 */
final class ChildSaRekeyInitiator implements ChildSaCreateInitiator.Purpose {
    private static final Logger LOG = LoggerFactory.getLogger(ChildSaRekeyInitiator.class);

    private final IkeSa sa;
    private final ChildSa old;

    private ChildSaRekeyInitiator(IkeSa sa, ChildSa old) {
        this.sa = sa;
        this.old = old;
    }

    /** Queues the rekey of {@code old}; completes with the CHILD_SA that replaces it. On the SA's executor. */
    static CompletableFuture<ChildSaRecord> start(IkeSa sa, ChildSa old) {
        old.state(ChildSa.State.REKEYING);
        ChildSaCreateInitiator task = new ChildSaCreateInitiator(sa, old.config(), new ChildSaRekeyInitiator(sa, old));
        sa.tasks().queue(task);
        Continuations.inline(task.result(), (r, e) -> {
            if (e != null && old.state() == ChildSa.State.REKEYING) {
                old.state(ChildSa.State.INSTALLED); // it serves on, and is tried again until its hard expiry
                sa.children().rekeyLater(old);
            }
        });
        return task.result();
    }

    @Override
    public ChildSa rekeys() {
        return old;
    }

    @Override
    public List<IkePayload> extra() {
        byte[] spi = new WireWriter(4).u32(old.inboundSpi() & 0xffffffffL).array();
        return List.of(new NotifyPayload(ProtocolId.ESP, spi, NotifyType.REKEY_SA, new byte[0]));
    }

    @Override
    public boolean stillWanted() {
        return sa.children().entries().contains(old) && old.state() != ChildSa.State.DELETING;
    }

    @Override
    public ChildSaRecord installed(ChildSa now, byte[] lowestNonce) {
        ChildSa theirs = old.peerSuccessor();
        if (theirs != null
                && sa.children().entries().contains(theirs)
                && Arrays.compareUnsigned(lowestNonce, old.peerLowestNonce()) < 0) {
            // §2.8.1: our exchange had the lowest nonce, so ours is the redundant one; the peer deletes the old one
            sa.children().delete(now, "redundant (simultaneous rekey)");
            return theirs.record();
        }
        sa.children().delete(old, "rekeyed");
        return now.record();
    }

    @Override
    public boolean refused(int notify) {
        if (notify != NotifyType.CHILD_SA_NOT_FOUND) {
            return false;
        }
        if (sa.children().entries().contains(old) && old.state() != ChildSa.State.DELETING) {
            LOG.info(
                    "{}: the peer does not know CHILD_SA {}: creating a new one",
                    sa.name(),
                    old.record().describe());
            sa.children().remove(old, "not found at the peer");
            sa.tasks().queue(new ChildSaCreateInitiator(sa, old.config(), new ChildSaCreateInitiator.Purpose() {}));
        }
        return true;
    }
}
