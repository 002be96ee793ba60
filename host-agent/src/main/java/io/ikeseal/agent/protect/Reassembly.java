package io.ikeseal.agent.protect;

import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;

/** What one IKE Fragment Message did to its SA's reassembly (RFC 7383 §2.6). */
public sealed interface Reassembly {

    /**
     * The last missing fragment arrived: the message with fragment 1's header (as received) and the inner payloads
     * decoded from the fragments' concatenated plaintext.
     */
    record Complete(IkeMessage message) implements Reassembly {}

    /** Stored; {@code received} of {@code total} fragments are held. */
    record Pending(int received, int total) implements Reassembly {}

    /**
     * An authentic fragment of the message this SA completed last in that direction: a retransmission. For a
     * request the exchange layer answers it with its cached response (RFC 7383 §2.6.1); nothing was stored.
     */
    record Retransmitted(IkeHeader header, int fragmentNumber) implements Reassembly {}

    /** Dropped silently, counted under the reason's label. */
    record Dropped(FragmentDrop reason) implements Reassembly {}
}
