package io.ikeseal.agent.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Known peers: remembered for an hour after they authenticated, the most recent ones, bounded. */
class ProvenPeersTest {
    @Test
    void anAddressIsKnownForAnHourAfterItsPeerAuthenticated() throws Exception {
        ManualScheduler time = new ManualScheduler();
        ProvenPeers peers = new ProvenPeers(time.clock());
        InetAddress a = InetAddress.getByName("198.51.100.1");
        assertFalse(peers.known(a));
        peers.authenticated(a);
        time.advance(ProvenPeers.MEMORY.minus(Duration.ofSeconds(1)));
        assertTrue(peers.known(a));
        time.advance(Duration.ofSeconds(1));
        assertFalse(peers.known(a), "forgotten after an hour");
        peers.authenticated(InetAddress.getByName("198.51.100.2"));
        assertEquals(1, peers.size(), "the expired entry is gone");
    }

    @Test
    void theOldestAreForgottenBeyondTheBound() throws Exception {
        ManualScheduler time = new ManualScheduler();
        ProvenPeers peers = new ProvenPeers(time.clock(), 3);
        for (int i = 1; i <= 5; i++) {
            peers.authenticated(InetAddress.getByName("198.51.100." + i));
            time.advance(Duration.ofSeconds(1));
        }
        assertEquals(3, peers.size());
        assertFalse(peers.known(InetAddress.getByName("198.51.100.2")));
        assertTrue(peers.known(InetAddress.getByName("198.51.100.3")));
        peers.authenticated(InetAddress.getByName("198.51.100.3")); // again: now the most recent
        peers.authenticated(InetAddress.getByName("198.51.100.6"));
        assertTrue(peers.known(InetAddress.getByName("198.51.100.3")));
        assertFalse(peers.known(InetAddress.getByName("198.51.100.4")));
    }
}
