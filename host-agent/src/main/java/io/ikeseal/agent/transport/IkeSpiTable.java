package io.ikeseal.agent.transport;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.ikeseal.agent.wire.IkeHeader;

/**
 * Our IKE SPIs and the SA that each one reaches. An IKE SA is named by both SPIs (RFC 7296 §2.6), but ours alone
 * identifies it on our side, because we choose it: the responder SPI in messages from the original initiator (I flag
 * set), the initiator SPI otherwise. Zero is never an SPI (§3.1). Thread-safe; lookups never block.
 */
public final class IkeSpiTable {
    private final ConcurrentMap<Long, IkeSaInbox> inboxes = new ConcurrentHashMap<>();

    /** Registers {@code inbox} under {@code ourSpi}; false if the SPI is taken (choose another random one). */
    public boolean register(long ourSpi, IkeSaInbox inbox) {
        if (ourSpi == 0) {
            throw new IllegalArgumentException("SPI 0 names no IKE SA (RFC 7296 §3.1)");
        }
        return inboxes.putIfAbsent(ourSpi, inbox) == null;
    }

    /** Removes the registration if it is still {@code inbox}'s; true if it was. */
    public boolean unregister(long ourSpi, IkeSaInbox inbox) {
        return inboxes.remove(ourSpi, inbox);
    }

    /** The inbox under {@code ourSpi}, or null. */
    public IkeSaInbox lookup(long ourSpi) {
        return ourSpi == 0 ? null : inboxes.get(ourSpi);
    }

    /** Our SPI in a message: the responder SPI if it came from the original initiator, else the initiator SPI. */
    public static long ourSpi(IkeHeader header) {
        return header.fromInitiator() ? header.responderSpi() : header.initiatorSpi();
    }

    public int size() {
        return inboxes.size();
    }
}
