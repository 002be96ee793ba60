package io.ikeseal.agent.exchange;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

import io.ikeseal.agent.protect.PeerReassemblyBudget;

/**
 * Each peer address's {@link PeerReassemblyBudget} (RFC 7383 §2.6), shared by the IKE SAs with that peer and
 * forgotten when the last of them closes, so the map holds at most one entry per peer with a keyed SA. It is also
 * capped: past {@link #maxPeers} addresses (a spoofing sender of many IPv6 addresses, issue 9 item 6) new peers
 * share one overflow budget, so memory stays bounded and those peers compete with each other, not with the rest.
 */
final class PeerReassemblyBudgets {
    static final int DEFAULT_MAX_PEERS = 16_384;

    private final int maxPeers;
    private final long bytesPerPeer;
    private final Map<InetAddress, Entry> peers = new HashMap<>();
    private final Entry overflow;

    private static final class Entry {
        final PeerReassemblyBudget budget;
        int sas;

        Entry(long bytes) {
            budget = new PeerReassemblyBudget(bytes);
        }
    }

    /** What one IKE SA holds: the budget it reassembles in, and its release when the SA ends. */
    interface Lease {
        PeerReassemblyBudget budget();

        /** Idempotent: the SA's reassemblies have been discarded. */
        void release();
    }

    PeerReassemblyBudgets(int maxPeers, long bytesPerPeer) {
        if (maxPeers < 1) {
            throw new IllegalArgumentException("room for at least one peer needed");
        }
        this.maxPeers = maxPeers;
        this.bytesPerPeer = bytesPerPeer;
        this.overflow = new Entry(bytesPerPeer);
    }

    PeerReassemblyBudgets() {
        this(DEFAULT_MAX_PEERS, PeerReassemblyBudget.DEFAULT_BYTES);
    }

    /** The budget of {@code peer} for one more IKE SA; {@link Lease#release()} when that SA ends. */
    synchronized Lease acquire(InetAddress peer) {
        Entry e = peers.get(peer);
        if (e == null && peers.size() < maxPeers) {
            e = new Entry(bytesPerPeer);
            peers.put(peer, e);
        }
        Entry held = e == null ? overflow : e;
        held.sas++;
        return new Lease() {
            private boolean released;

            @Override
            public PeerReassemblyBudget budget() {
                return held.budget;
            }

            @Override
            public void release() {
                synchronized (PeerReassemblyBudgets.this) {
                    if (released) {
                        return;
                    }
                    released = true;
                    if (--held.sas == 0 && held != overflow) {
                        peers.remove(peer, held);
                    }
                }
            }
        };
    }

    /** Peers with a budget of their own now. */
    synchronized int size() {
        return peers.size();
    }
}
