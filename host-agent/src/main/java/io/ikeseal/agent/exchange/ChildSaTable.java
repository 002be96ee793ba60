package io.ikeseal.agent.exchange;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.config.ChildLifetimes;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.WireWriter;

/**
 * The CHILD_SAs of one IKE SA (RFC 7296 §1.3): what the installer holds for it, found by SPI when the peer deletes
 * or rekeys one (§1.4.1, §1.3.3), each with its rekey and hard-expiry timers (§2.8, {@link ChildLifetimes}), removed
 * from the installer when the IKE SA ends, or moved to the IKE SA that replaces it (§2.18). Runs on the SA's
 * executor.
 */
final class ChildSaTable {
    private static final Logger LOG = LoggerFactory.getLogger(ChildSaTable.class);

    static final Duration REKEY_RETRY = Duration.ofSeconds(30);

    private final IkeSa owner;
    private final List<ChildSa> children = new ArrayList<>(1); // grows; most IKE SAs carry one

    ChildSaTable(IkeSa owner) {
        this.owner = owner;
    }

    /** A newly installed CHILD_SA: its timers start now. */
    ChildSa add(ChildSaRecord r, ChildConfig config) {
        ChildSa c = new ChildSa(r, config);
        children.add(c);
        ChildLifetimes l = config.lifetimes();
        Instant now = owner.shared().scheduler().clock().instant();
        Instant rekeyAt = l.rekeyTime().isZero()
                ? null
                : now.plus(l.rekeyTime()).minus(owner.shared().random().below(l.randTime()));
        startTimers(c, rekeyAt, now.plus(l.lifeTime()), now);
        return c;
    }

    /**
     * One timer at a time while the CHILD_SA waits (a timer costs ~130 B, times tens of thousands of SAs): the rekey,
     * and once it fired, the hard expiry; a rekey not before the expiry would find the CHILD_SA gone, so then only the
     * expiry waits.
     */
    private void startTimers(ChildSa c, Instant rekeyAt, Instant expireAt, Instant now) {
        Scheduler s = owner.shared().scheduler();
        if (rekeyAt != null && rekeyAt.isBefore(expireAt)) {
            c.timers(
                    rekeyAt,
                    s.schedule(until(now, rekeyAt), () -> owner.exec().execute(() -> rekeyFired(c))),
                    expireAt,
                    null);
        } else {
            c.timers(rekeyAt, null, expireAt, expiryTimer(c, expireAt, now));
        }
    }

    private Scheduler.Timer expiryTimer(ChildSa c, Instant expireAt, Instant now) {
        return owner.shared()
                .scheduler()
                .schedule(until(now, expireAt), () -> owner.exec().execute(() -> expired(c)));
    }

    /** The rekey time came: the hard expiry starts to wait (unless the CHILD_SA is leaving or left this table). */
    private void rekeyFired(ChildSa c) {
        if (children.contains(c) && c.state() != ChildSa.State.DELETING) {
            c.expireTimer(expiryTimer(
                    c, c.expireAt(), owner.shared().scheduler().clock().instant()));
        }
        rekeyDue(c);
    }

    private static Duration until(Instant now, Instant at) {
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private void rekeyDue(ChildSa c) {
        if (children.contains(c) && c.state() == ChildSa.State.INSTALLED && owner.state() == IkeSaState.ESTABLISHED) {
            var _ = ChildSaRekeyInitiator.start(owner, c); // the outcome is logged and announced
        }
    }

    /**
     * Our rekey of {@code c} failed (e.g. NO_PROPOSAL_CHOSEN, no answer in time): it serves on and is tried again
     * after {@link #REKEY_RETRY} plus a random part of it, until its hard expiry, as strongSwan retries.
     */
    void rekeyLater(ChildSa c) {
        if (!children.contains(c) || owner.isClosed() || c.state() != ChildSa.State.INSTALLED) {
            return;
        }
        Duration d = REKEY_RETRY.plus(owner.shared().random().below(REKEY_RETRY));
        c.rekeyTimer(owner.shared().scheduler().schedule(d, () -> owner.exec().execute(() -> rekeyDue(c))));
    }

    private void expired(ChildSa c) {
        if (children.contains(c) && !owner.isClosed()) {
            delete(c, "life-time expired");
        }
    }

    /** A snapshot of the installed records, in the order they were established (not those being deleted). */
    List<ChildSaRecord> list() {
        return children.stream()
                .filter(c -> c.state() != ChildSa.State.DELETING)
                .map(ChildSa::record)
                .toList();
    }

    /** A snapshot of the CHILD_SAs themselves. */
    List<ChildSa> entries() {
        return List.copyOf(children);
    }

    /** The CHILD_SAs a limit counts: a rekeyed one and its successor count once, one being deleted not at all. */
    int count() {
        return (int) children.stream()
                .filter(c -> c.state() != ChildSa.State.REKEYED && c.state() != ChildSa.State.DELETING)
                .count();
    }

    Optional<ChildSa> byInbound(int spi) {
        return children.stream().filter(c -> c.inboundSpi() == spi).findFirst();
    }

    /** The CHILD_SA the peer names by its own inbound SPI (N(REKEY_SA), Delete; §3.10.1, §3.11). */
    Optional<ChildSa> byOutbound(int spi) {
        return children.stream().filter(c -> c.outboundSpi() == spi).findFirst();
    }

    /** Removes and returns the CHILD_SAs whose outbound SPI is {@code peerInbound} (the peer's Delete, §1.4.1). */
    List<ChildSaRecord> removeSendingTo(int peerInbound) {
        List<ChildSa> gone =
                children.stream().filter(c -> c.outboundSpi() == peerInbound).toList();
        gone.forEach(ChildSa::cancelTimers);
        children.removeAll(gone);
        // one we are deleting ourselves was removed and announced already (both ends deleted it at once)
        return gone.stream()
                .filter(c -> c.state() != ChildSa.State.DELETING)
                .map(ChildSa::record)
                .toList();
    }

    /** One CHILD_SA out of the table and the installer, its removal announced; false if it was already gone. */
    boolean remove(ChildSa c, String reason) {
        if (!children.remove(c)) {
            return false;
        }
        c.cancelTimers();
        remove(owner.outputs(), owner.info(), owner.name(), c.record(), reason);
        return true;
    }

    /**
     * We delete one CHILD_SA (§1.4.1): an INFORMATIONAL Delete names our inbound SPI, and our half goes from the
     * installer at once (the peer stops using it when the Delete arrives). It stays listed as DELETING until that
     * exchange ends, so a rekey of it meanwhile is answered TEMPORARY_FAILURE (§2.25.1).
     */
    void delete(ChildSa c, String reason) {
        if (!children.contains(c) || c.state() == ChildSa.State.DELETING) {
            return;
        }
        c.state(ChildSa.State.DELETING);
        c.cancelTimers();
        LOG.info("{}: deleting CHILD_SA {}: {}", owner.name(), c.record().describe(), reason);
        remove(owner.outputs(), owner.info(), owner.name(), c.record(), reason);
        owner.tasks().queue(new ChildSaDeleteInitiator(owner, deletePayload(c.inboundSpi()), () -> children.remove(c)));
    }

    static DeletePayload deletePayload(int inboundSpi) {
        return new DeletePayload(
                ProtocolId.ESP,
                List.of(new WireWriter(4).u32(inboundSpi & 0xffffffffL).array()));
    }

    /**
     * The IKE SA was rekeyed (§2.18): every CHILD_SA moves to {@code target}, its record rewritten with the target's
     * IKE SPIs, the installer untouched, its timers restarted on the target's executor with the same deadlines. Call
     * on this (the old) SA's executor; the target takes them over on its own executor.
     */
    void moveTo(IkeSa target) {
        // those being deleted are out of the installer already; their Delete ends with this IKE SA
        List<ChildSa> moving = children.stream()
                .filter(c -> c.state() != ChildSa.State.DELETING)
                .toList();
        children.clear();
        moving.forEach(ChildSa::cancelTimers);
        target.exec().execute(() -> target.children().adopt(moving));
    }

    private void adopt(List<ChildSa> moved) {
        Instant now = owner.shared().scheduler().clock().instant();
        for (ChildSa c : moved) {
            c.rewrite(c.record().withIkeSpis(owner.spiI(), owner.spiR()));
            if (c.state() == ChildSa.State.REKEYING) {
                c.state(ChildSa.State.INSTALLED); // the rekey in flight ended with the old IKE SA
            }
            children.add(c);
            startTimers(c, c.rekeyAt(), c.expireAt(), now);
        }
    }

    /**
     * The IKE SA ends: every CHILD_SA goes from the installer (§1.4.1), each with its removal event; a failure to
     * remove one is logged.
     */
    void removeAll(SaOutputs outputs, IkeSaInfo ikeSa, String ikeSaName, String reason) {
        for (ChildSa c : children) {
            c.cancelTimers();
            if (c.state() != ChildSa.State.DELETING) {
                remove(outputs, ikeSa, ikeSaName, c.record(), reason);
            }
        }
        children.clear();
    }

    /** One CHILD_SA out of the installer, and its removal announced (the match of its establishment event). */
    static void remove(SaOutputs outputs, IkeSaInfo ikeSa, String ikeSaName, ChildSaRecord c, String reason) {
        ChildSaTraffic traffic = ChildSaTraffic.NONE;
        try {
            traffic = outputs.installer().traffic(c); // its counters go with it
            outputs.installer().remove(c);
        } catch (RuntimeException e) {
            LOG.warn("{}: removing CHILD_SA {} failed: {}", ikeSaName, c.describe(), e.toString());
        }
        outputs.events().childSaDeleted(ikeSa, c, reason, traffic);
    }
}
