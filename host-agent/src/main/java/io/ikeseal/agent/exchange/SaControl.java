package io.ikeseal.agent.exchange;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.sa.IkeSaStatus;

/**
 * What an operator asks of a gateway's IKE SAs through the control socket (issue 13 item 1): a listing with states,
 * ages and timers, and the end of one IKE SA or one CHILD_SA. Each SA is read and changed on its own executor.
 */
public final class SaControl {
    /** How long a listing waits for one SA's executor before leaving it out. */
    private static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(5);

    private final IkeGateway gateway;

    private SaControl(IkeGateway gateway) {
        this.gateway = gateway;
    }

    public static SaControl of(IkeGateway gateway) {
        return new SaControl(gateway);
    }

    /** Every live IKE SA (any state but closed), oldest first as far as the snapshot can tell. */
    public List<IkeSaStatus> list() {
        List<CompletableFuture<IkeSaStatus>> pending = new ArrayList<>();
        for (IkeSa s : gateway.live.all()) {
            CompletableFuture<IkeSaStatus> f = new CompletableFuture<>();
            s.exec().execute(() -> f.complete(s.isClosed() ? null : status(s)));
            pending.add(f);
        }
        List<IkeSaStatus> out = new ArrayList<>();
        for (CompletableFuture<IkeSaStatus> f : pending) {
            IkeSaStatus st = f.orTimeout(SNAPSHOT_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(e -> null)
                    .join();
            if (st != null) {
                out.add(st);
            }
        }
        out.sort((a, b) -> compare(a.established(), b.established()));
        return out;
    }

    private static int compare(Instant a, Instant b) {
        return a == null ? (b == null ? 0 : 1) : b == null ? -1 : a.compareTo(b);
    }

    /** On the SA's executor. */
    private static IkeSaStatus status(IkeSa s) {
        List<IkeSaStatus.ChildSaStatus> children = new ArrayList<>();
        for (ChildSa c : s.children().entries()) {
            ChildSaTraffic traffic;
            try {
                traffic = c.state() == ChildSa.State.DELETING
                        ? ChildSaTraffic.NONE
                        : s.outputs().installer().traffic(c.record());
            } catch (RuntimeException e) {
                traffic = ChildSaTraffic.NONE; // a listing never fails for one counter
            }
            children.add(new IkeSaStatus.ChildSaStatus(
                    c.record(), c.state().name().toLowerCase(Locale.ROOT), c.rekeyAt(), c.expireAt(), traffic));
        }
        IkeSaLifecycle life = s.life();
        return new IkeSaStatus(s.info(), s.state(), instant(life.establishedAt()), instant(life.renewalAt()), children);
    }

    private static Instant instant(long epochMillis) {
        return epochMillis == 0 ? null : Instant.ofEpochMilli(epochMillis);
    }

    /** The initiator SPI of the live IKE SA that has {@code spi} as its initiator or responder SPI. */
    public Optional<Long> find(long spi) {
        return gateway.live.all().stream()
                .filter(s -> s.spiI() == spi || s.spiR() == spi)
                .map(IkeSa::spiI)
                .findFirst();
    }

    /**
     * Ends the IKE SA with initiator SPI {@code spiI}: an INFORMATIONAL Delete when it is established (RFC 7296
     * §1.4.1), at once otherwise. Completes with the reason it closed, or fails when there is no such SA.
     */
    public CompletableFuture<String> terminate(long spiI, String reason) {
        Optional<IkeSa> sa = gateway.sa(spiI);
        if (sa.isEmpty()) {
            return CompletableFuture.failedFuture(new IkeSaFailure("no IKE SA " + IkeSa.hex(spiI) + "_i"));
        }
        IkeSa s = sa.get();
        s.exec().execute(() -> {
            if (s.state() == IkeSaState.ESTABLISHED) {
                s.deleteIkeSa(reason);
            } else {
                s.fail(reason);
            }
        });
        return s.closed();
    }

    /**
     * Deletes our CHILD_SA with inbound SPI {@code inboundSpi} of IKE SA {@code spiI} (§1.4.1); completes once its
     * Delete is queued (it is out of the data plane then), or fails when there is no such installed CHILD_SA.
     */
    public CompletableFuture<Void> terminateChild(long spiI, int inboundSpi, String reason) {
        Optional<IkeSa> sa = gateway.sa(spiI);
        if (sa.isEmpty()) {
            return CompletableFuture.failedFuture(new IkeSaFailure("no IKE SA " + IkeSa.hex(spiI) + "_i"));
        }
        IkeSa s = sa.get();
        CompletableFuture<Void> done = new CompletableFuture<>();
        s.exec().execute(() -> {
            Optional<ChildSa> c = s.children().byInbound(inboundSpi);
            if (c.isEmpty() || c.get().state() == ChildSa.State.DELETING || s.state() != IkeSaState.ESTABLISHED) {
                done.completeExceptionally(
                        new IkeSaFailure(String.format("no CHILD_SA %08x to delete in %s", inboundSpi, s.name())));
                return;
            }
            s.children().delete(c.get(), reason);
            done.complete(null);
        });
        return done;
    }
}
