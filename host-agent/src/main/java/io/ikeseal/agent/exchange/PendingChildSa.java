package io.ikeseal.agent.exchange;

import java.util.List;
import java.util.function.Supplier;

import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.wire.IkePayload;

/**
 * A CHILD_SA the responder agreed to but has not installed yet: its KEYMAT may already be derived, but it is installed
 * and announced only once the IKE SA is established on our side (after our own AUTH succeeded, issue 9 item 5), and
 * its keys are destroyed when the IKE SA fails first. A refusal carries only the notification and the event to emit.
 */
final class PendingChildSa {
    private final ChildSaKeys keys;
    private final Supplier<List<IkePayload>> install;
    private boolean done;

    private PendingChildSa(ChildSaKeys keys, Supplier<List<IkePayload>> install) {
        this.keys = keys;
        this.install = install;
    }

    /** Installs with {@code keys} (destroyed whatever happens) and answers with what {@code install} returns. */
    static PendingChildSa agreed(ChildSaKeys keys, Supplier<List<IkePayload>> install) {
        return new PendingChildSa(keys, install);
    }

    /** No CHILD_SA: {@code announce} reports why (or does nothing), {@code answer} tells the peer. */
    static PendingChildSa refused(Runnable announce, List<IkePayload> answer) {
        return new PendingChildSa(null, () -> {
            announce.run();
            return answer;
        });
    }

    /**
     * The IKE SA is established: install (or announce the refusal) and return the CHILD_SA's payloads; the initiator,
     * which answers nothing, gets an empty list, or null when the installer refused the CHILD_SA.
     */
    List<IkePayload> complete() {
        if (done) {
            throw new IllegalStateException("CHILD_SA already completed or discarded");
        }
        done = true;
        return install.get();
    }

    /** The IKE SA failed before it was established: nothing is installed or announced, the keys go. */
    void discard() {
        if (!done && keys != null) {
            keys.destroy();
        }
        done = true;
    }
}
