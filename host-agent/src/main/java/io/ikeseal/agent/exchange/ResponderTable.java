package io.ikeseal.agent.exchange;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.wire.ExchangeType;

/**
 * Which requests an IKE SA acts on, by exchange type and state, and the task that answers each (RFC 7296 §1.4:
 * INFORMATIONAL only after the initial exchanges; §1.2: IKE_AUTH once, on the responder, right after IKE_SA_INIT).
 * A request without an entry is dropped and counted, never acted upon: e.g. CREATE_CHILD_SA before the peer
 * authenticated. A new exchange (e.g. rekeying) is one more {@link Builder#on} line where the table is built.
 */
final class ResponderTable {
    private record Key(ExchangeType type, IkeSaState state) {}

    private final Map<Key, Function<IkeSa, ResponderTask>> entries;

    private ResponderTable(Map<Key, Function<IkeSa, ResponderTask>> entries) {
        this.entries = Map.copyOf(entries);
    }

    static Builder builder() {
        return new Builder();
    }

    /**
     * The task for a request of {@code type} in the SA's current state, if it is allowed there (a factory may still
     * decline, e.g. IKE_AUTH on the SA's original initiator).
     */
    Optional<ResponderTask> lookup(IkeSa sa, ExchangeType type) {
        Function<IkeSa, ResponderTask> f = type == null ? null : entries.get(new Key(type, sa.state()));
        return f == null ? Optional.empty() : Optional.ofNullable(f.apply(sa));
    }

    static final class Builder {
        private final Map<Key, Function<IkeSa, ResponderTask>> entries = new java.util.HashMap<>();

        /** Requests of {@code type} in any of {@code states} are answered by a task from {@code factory}. */
        Builder on(ExchangeType type, Function<IkeSa, ResponderTask> factory, IkeSaState... states) {
            for (IkeSaState s : states) {
                if (entries.putIfAbsent(new Key(type, s), factory) != null) {
                    throw new IllegalStateException(type + " in " + s + " has a responder already");
                }
            }
            return this;
        }

        ResponderTable build() {
            return new ResponderTable(entries);
        }
    }
}
