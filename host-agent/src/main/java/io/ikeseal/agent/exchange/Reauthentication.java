package io.ikeseal.agent.exchange;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.sa.IkeSaEnd;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;

/**
 * IKE SA reauthentication, make before break (RFC 7296 §2.8.3): a new IKE SA to the same peer by IKE_SA_INIT and
 * IKE_AUTH, with the connection's CHILD_SAs; once it is established the old SA is deleted. Only where we can
 * initiate (the connection has a remote address). Should the new SA fail, the old one stays until its hard limit.
 */
final class Reauthentication {
    private static final Logger LOG = LoggerFactory.getLogger(Reauthentication.class);

    private Reauthentication() {}

    static boolean possible(IkeSa sa) {
        return sa.connection() != null && sa.connection().config().remote() != null;
    }

    /** Starts a new SA for {@code old}'s connection (on old's executor); completes with it once established. */
    static CompletableFuture<IkeSaInfo> start(IkeSa old) {
        if (old.state() != IkeSaState.ESTABLISHED || !possible(old)) {
            return CompletableFuture.failedFuture(new IkeSaFailure(
                    "reauthentication needs an established IKE SA " + "of a connection with a remote address"));
        }
        IkeSaInfo before = old.info();
        CompletableFuture<IkeSaInfo> made = initiate(old.shared(), old.connection(), old);
        return made.thenCompose(now -> {
            CompletableFuture<IkeSaInfo> done = new CompletableFuture<>();
            old.exec().execute(() -> {
                LOG.debug("IKE_SA {} reauthenticated as {}", old.name(), IkeSa.hex(now.spiI()));
                old.outputs().events().ikeSaRekeyed(before, now, true);
                if (old.state() == IkeSaState.ESTABLISHED) {
                    old.life().ending(IkeSaEnd.REKEYED); // its successor is up: supervision does nothing
                    old.deleteIkeSa("reauthenticated");
                }
                done.complete(now);
            });
            return done;
        });
    }

    /** IKE_SA_INIT then IKE_AUTH for {@code c} over the old SA's path (the gateway's initiate, from inside an SA). */
    private static CompletableFuture<IkeSaInfo> initiate(SaShared shared, Connection c, IkeSa old) {
        IkeSa sa;
        do {
            sa = new IkeSa(shared, true, shared.random().ikeSpi(), old.path(), c, List.of());
        } while (!shared.spis().register(sa.spiI(), sa));
        shared.live().track(sa);
        IkeSa s = sa;
        s.exec()
                .execute(() -> s.tasks()
                        .queue(new IkeSaInitInitiator(
                                s,
                                shared.crypto(),
                                shared.random(),
                                shared.settings().fragmentation(),
                                keyed -> new IkeAuthInitiator(keyed, shared.credentials(), shared.negotiation()))));
        return s.established();
    }
}
