package io.ikeseal.hsm.api;

/**
 * Which of a token's three queues an operation waits in. A token serves few operations at once, so under a flood the
 * order of its queue decides who is served: work that any datagram from anywhere can cause must never delay the work
 * of peers that already proved something about themselves. The protocol layer decides which is which; the token
 * layer only keeps the order (see {@link AuditContext#urgency()}).
 */
public enum Urgency {
    /** Work of a peer that proved its address or more (the protocol says which); runs before any {@link #LOW} work. */
    HIGH,
    /** Work that an unproven request can cause (e.g. a new SA's first key generation); runs when no HIGH work waits. */
    LOW,
    /**
     * Work nobody waits for (refilling the pool of pre-generated key pairs): runs only when no {@link #HIGH} and no
     * {@link #LOW} work waits, so it takes a token thread that would otherwise be idle.
     */
    IDLE
}
