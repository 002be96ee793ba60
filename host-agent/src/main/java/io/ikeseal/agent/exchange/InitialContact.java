package io.ikeseal.agent.exchange;

import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.auth.IkeIdentity;
import io.ikeseal.agent.sa.IkeSaEnd;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;

/**
 * N(INITIAL_CONTACT) (RFC 7296 §2.4, §3.10.1): the initiator sends it in IKE_AUTH when it holds no other IKE SA between
 * the same identities, so the peer may drop SAs we no longer know (we restarted). On receipt, once the peer is
 * authenticated, every other established IKE SA of the same identity pair (our ID, the peer's authenticated ID)
 * closes without a Delete exchange, its CHILD_SAs removed; never the SA it came on, never other identities'.
 */
final class InitialContact {
    private static final Logger LOG = LoggerFactory.getLogger(InitialContact.class);
    static final String REASON = "INITIAL_CONTACT from the peer";

    private InitialContact() {}

    /**
     * Initiator, IKE_AUTH request: the notification when no other established SA has our identities and no other SA
     * of this connection is being set up (SAs started together would otherwise each claim to be the first).
     */
    static Optional<NotifyPayload> forRequest(IkeSa sa) {
        var c = sa.connection().config();
        IkeIdentity remote = c.remoteId();
        LiveIkeSas live = sa.shared().live();
        boolean other = live.othersOfConnection(sa, sa.connection().name())
                || live.othersBetween(sa, c.localId().toString(), remote == null ? null : remote.toString());
        return other ? Optional.empty() : Optional.of(NotifyPayload.of(NotifyType.INITIAL_CONTACT));
    }

    /** The identity pair of an SA whose peer just authenticated. */
    static LiveIkeSas.IdentityPair pair(IkeSa sa) {
        return new LiveIkeSas.IdentityPair(
                sa.connection().config().localId().toString(), sa.auth().peerId());
    }

    /** IKE_AUTH received (request or response) with the peer authenticated: close older SAs of the same pair. */
    static void received(IkeSa sa, IkeMessage m) {
        if (m.notification(NotifyType.INITIAL_CONTACT).isEmpty()) {
            return;
        }
        List<IkeSa> older = sa.shared().live().olderThan(sa, pair(sa));
        if (!older.isEmpty()) {
            LOG.info(
                    "{}: INITIAL_CONTACT from {}: closing {} older IKE SA(s)",
                    sa.name(),
                    sa.auth().peerId(),
                    older.size());
        }
        for (IkeSa o : older) {
            o.exec().execute(() -> {
                o.life().ending(IkeSaEnd.INITIAL_CONTACT);
                o.close(REASON, true); // the peer has no state for it: no Delete exchange
            });
        }
    }
}
