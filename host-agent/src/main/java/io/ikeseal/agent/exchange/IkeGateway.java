package io.ikeseal.agent.exchange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeSaInitListener;
import io.ikeseal.agent.transport.IkeSender;

/**
 * The IKE SAs of one daemon: those we initiate and those peers start (through {@link #listener()}), and their
 * orderly end. Each SA runs on its own serial executor; this class only starts, lists and stops them.
 */
public final class IkeGateway {
    private final GatewayServices services;
    private final Set<IkeSession> live = ConcurrentHashMap.newKeySet();
    private final ResponderSessions responders;

    public IkeGateway(GatewayServices services) {
        this.services = services;
        this.responders = new ResponderSessions(services, this::track);
    }

    public GatewayServices services() {
        return services;
    }

    /** Give this to the transport: it starts responder SAs. */
    public IkeSaInitListener listener() {
        return responders;
    }

    public int halfOpenCount() {
        return responders.halfOpenCount();
    }

    /**
     * Initiates {@code connection} over {@code path} (our IKE socket to the peer's IKE port). Completes with the
     * established IKE SA (its first CHILD_SA included, or listed as failed through {@link io.ikeseal.agent.sa.SaEvents})
     * or fails with {@link IkeSaFailure} naming the peer's error or our failed check.
     */
    public CompletableFuture<IkeSaInfo> initiate(Connection connection, IkeSender path) {
        IkeSession s = new IkeSession(services, true, path);
        s.connection = connection;
        do {
            s.spiI = services.newIkeSpi();
        } while (!services.spis().register(s.spiI, s));
        track(s);
        s.exec.execute(() -> IkeSaInitInitiator.start(s));
        return s.established;
    }

    private void track(IkeSession s) {
        live.add(s);
        Runnable before = s.onClose;
        s.onClose = () -> {
            before.run();
            live.remove(s);
        };
    }

    /** Snapshots of the established IKE SAs. */
    public List<IkeSaInfo> established() {
        List<CompletableFuture<IkeSaInfo>> infos = new ArrayList<>();
        for (IkeSession s : live) {
            CompletableFuture<IkeSaInfo> f = new CompletableFuture<>();
            s.exec.execute(() -> f.complete(s.state == IkeSaState.ESTABLISHED ? s.info() : null));
            infos.add(f);
        }
        List<IkeSaInfo> out = new ArrayList<>();
        for (CompletableFuture<IkeSaInfo> f : infos) {
            IkeSaInfo i = f.orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            if (i != null) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Deletes every established IKE SA (INFORMATIONAL Delete, §1.4.1) and drops the others, waiting at most
     * {@code timeout} for the peers' answers.
     */
    public void deleteAll(String reason, Duration timeout) {
        List<CompletableFuture<String>> closing = new ArrayList<>();
        for (IkeSession s : live) {
            closing.add(s.closed);
            s.exec.execute(() -> {
                if (s.state == IkeSaState.ESTABLISHED) {
                    InformationalExchange.deleteIkeSa(s, reason);
                } else {
                    s.fail(reason);
                }
            });
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            for (IkeSession s : live) {
                s.exec.execute(() -> s.close(reason + " (no answer in time)", true));
            }
        }
    }
}
