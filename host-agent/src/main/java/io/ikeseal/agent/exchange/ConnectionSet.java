package io.ikeseal.agent.exchange;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.sa.IkeSaState;

/**
 * The connections a gateway serves and the credentials IKE_AUTH checks peers with, as one immutable snapshot that a
 * reload replaces whole (docs/operations-reload.md). The packet path reads it without a lock: a responder takes its
 * candidate connections from one snapshot at IKE_SA_INIT; IKE_AUTH takes the credentials, and which candidates are
 * still current, from one snapshot. {@link #replace} then ends the SAs that the old snapshot left behind, so no SA is
 * established on a connection or trust that is no longer configured.
 */
public final class ConnectionSet {
    private static final int PASSES = 2;

    /** One generation: connections in configuration order, the credentials that go with them. */
    record Snapshot(List<Connection> connections, Credentials credentials, Set<Connection> members) {
        static Snapshot of(List<Connection> connections, Credentials credentials) {
            // By identity: an unchanged connection keeps its object across reloads, a changed one gets a new one.
            Set<Connection> m = Collections.newSetFromMap(new IdentityHashMap<>());
            m.addAll(connections);
            return new Snapshot(List.copyOf(connections), credentials, Collections.unmodifiableSet(m));
        }

        boolean current(Connection c) {
            return members.contains(c);
        }
    }

    private final LiveIkeSas live;
    private volatile Snapshot now;

    ConnectionSet(List<Connection> connections, Credentials credentials, LiveIkeSas live) {
        this.live = live;
        this.now = Snapshot.of(connections, credentials);
    }

    Snapshot now() {
        return now;
    }

    public List<Connection> connections() {
        return now.connections();
    }

    public Credentials credentials() {
        return now.credentials();
    }

    /** The connections a request between these addresses may belong to, in configuration order (responder). */
    List<Connection> matching(InetAddress local, InetSocketAddress remote) {
        return now.connections().stream().filter(c -> c.matches(local, remote)).toList();
    }

    /**
     * Makes {@code connections} and {@code credentials} current, then ends the IKE SAs that depended on what left:
     * an established SA of a connection no longer in the set is deleted with its CHILD_SAs (INFORMATIONAL Delete,
     * RFC 7296 §1.4.1); an SA not yet established is given up if its connection left, or if it checks a peer's
     * certificate and {@code trustChanged}. A responder that has not chosen its connection is left alone: its
     * IKE_AUTH picks only among candidates still in the set. Waits at most {@code wait} for the Deletes to be
     * answered, then closes what is left without one; looks twice, for a successor a rekey made meanwhile (§2.18).
     * Not for concurrent callers (the daemon serializes reloads).
     *
     * @return how many IKE SAs it ended
     */
    public int replace(List<Connection> connections, Credentials credentials, boolean trustChanged, Duration wait) {
        Snapshot next = Snapshot.of(connections, credentials);
        now = next;
        int ended = 0;
        for (int pass = 0; pass < PASSES; pass++) {
            int n = sweep(next, trustChanged && pass == 0, wait);
            ended += n;
            if (n == 0) {
                break;
            }
        }
        return ended;
    }

    private int sweep(Snapshot s, boolean trustChanged, Duration wait) {
        List<IkeSa> all = live.all();
        List<CompletableFuture<Boolean>> decided = new ArrayList<>(all.size());
        for (IkeSa sa : all) {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            sa.exec().execute(() -> f.complete(end(sa, s, trustChanged)));
            decided.add(f);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        List<IkeSa> ending = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (decided.get(i)
                    .completeOnTimeout(false, remaining(deadline), TimeUnit.NANOSECONDS)
                    .join()) {
                ending.add(all.get(i));
            }
        }
        try {
            CompletableFuture.allOf(ending.stream().map(IkeSa::closed).toArray(CompletableFuture[]::new))
                    .get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeNow(ending);
        } catch (Exception e) {
            closeNow(ending); // the peer did not answer our Delete in time: as after a failed retransmission
        }
        return ending.size();
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static void closeNow(List<IkeSa> ending) {
        for (IkeSa sa : ending) {
            sa.exec().execute(() -> sa.close("configuration reloaded (Delete not answered in time)", true));
        }
    }

    /** On {@code sa}'s executor: ends it if {@code s} no longer backs it; whether it did. */
    private static boolean end(IkeSa sa, Snapshot s, boolean trustChanged) {
        if (sa.isClosed()) {
            return false;
        }
        Connection c = sa.connection();
        // A responder that has not chosen yet needs no check: its IKE_AUTH keeps only current candidates.
        Connection left = c != null && !s.current(c) ? c : null;
        List<Connection> depends = c != null ? List.of(c) : sa.candidates();
        IkeSaState state = sa.state();
        if (state == IkeSaState.REKEYED || state == IkeSaState.DELETING) {
            return false; // on its way out; a successor is looked at in the next pass
        }
        if (state == IkeSaState.ESTABLISHED) {
            if (left == null) {
                return false;
            }
            sa.deleteIkeSa("connection '" + left.name() + "' removed or changed by a configuration reload");
            return true;
        }
        boolean checksCertificate = trustChanged
                && depends.stream().anyMatch(x -> x.config().remoteAuth() == ConnectionConfig.AuthKind.PUBKEY);
        if (left == null && !checksCertificate) {
            return false;
        }
        sa.fail(
                left != null
                        ? "connection '" + left.name() + "' removed or changed by a configuration reload"
                        : "trust anchors changed by a configuration reload");
        return true;
    }
}
