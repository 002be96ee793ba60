package io.ikeseal.agent.exchange;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.sa.ChildSaRecord;

/**
 * CHILD_SA work asked for from outside an SA's executor ({@link IkeGateway#initiateChild},
 * {@link IkeGateway#rekeyChild}): found, checked and started on the SA's executor, the outcome relayed.
 */
final class ChildSaRequests {
    private ChildSaRequests() {}

    /** A further CHILD_SA of the connection's child {@code childName} (RFC 7296 §1.3.1). */
    static CompletableFuture<ChildSaRecord> initiate(Optional<IkeSa> s, long spiI, String childName) {
        if (s.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no IKE SA " + IkeSa.hex(spiI)));
        }
        CompletableFuture<ChildSaRecord> out = new CompletableFuture<>();
        IkeSa sa = s.get();
        sa.exec().execute(() -> {
            Optional<ChildConfig> child = sa.connection() == null
                    ? Optional.empty()
                    : sa.connection().config().children().stream()
                            .filter(c -> c.name().equals(childName))
                            .findFirst();
            if (child.isEmpty()) {
                out.completeExceptionally(new IllegalArgumentException("no child '" + childName + "' in " + sa.name()));
                return;
            }
            ChildSaCreateInitiator task =
                    new ChildSaCreateInitiator(sa, child.get(), new ChildSaCreateInitiator.Purpose() {});
            sa.tasks().queue(task);
            relay(task.result(), out);
        });
        return out;
    }

    /** The rekey of our CHILD_SA with inbound SPI {@code inboundSpi} (§1.3.3); completes with its successor. */
    static CompletableFuture<ChildSaRecord> rekey(Optional<IkeSa> s, long spiI, int inboundSpi) {
        if (s.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no IKE SA " + IkeSa.hex(spiI)));
        }
        CompletableFuture<ChildSaRecord> out = new CompletableFuture<>();
        IkeSa sa = s.get();
        sa.exec().execute(() -> {
            Optional<ChildSa> c = sa.children().byInbound(inboundSpi);
            if (c.isEmpty() || c.get().state() != ChildSa.State.INSTALLED) {
                out.completeExceptionally(new IllegalArgumentException(
                        String.format("no CHILD_SA %08x to rekey in %s", inboundSpi, sa.name())));
                return;
            }
            relay(ChildSaRekeyInitiator.start(sa, c.get()), out);
        });
        return out;
    }

    private static <T> void relay(CompletableFuture<T> from, CompletableFuture<T> to) {
        Continuations.inline(from, (r, e) -> {
            if (e != null) {
                to.completeExceptionally(e);
            } else {
                to.complete(r);
            }
        });
    }
}
