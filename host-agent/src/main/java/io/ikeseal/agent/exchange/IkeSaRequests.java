package io.ikeseal.agent.exchange;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * IKE SA work asked for from outside an SA's executor ({@link IkeGateway#rekeyIkeSa},
 * {@link IkeGateway#reauthenticate}): started on the SA's executor, the outcome relayed.
 */
final class IkeSaRequests {
    private IkeSaRequests() {}

    static CompletableFuture<IkeSaInfo> onSa(
            Optional<IkeSa> s, long spiI, Function<IkeSa, CompletableFuture<IkeSaInfo>> action) {
        if (s.isEmpty()) {
            return CompletableFuture.failedFuture(new IkeSaFailure("no IKE SA " + IkeSa.hex(spiI) + "_i"));
        }
        CompletableFuture<IkeSaInfo> done = new CompletableFuture<>();
        s.get()
                .exec()
                .execute(() -> Continuations.inline(action.apply(s.get()), (i, e) -> {
                    if (e == null) {
                        done.complete(i);
                    } else {
                        done.completeExceptionally(e);
                    }
                }));
        return done;
    }
}
