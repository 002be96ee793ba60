package io.ikeseal.agent.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An IKE message: header and payloads in wire order. For a protected message as received, the last payload is the
 * still-sealed {@link EncryptedPayload} or {@link EncryptedFragmentPayload}; after decryption the protect layer
 * hands on a message with the same header and the inner payloads.
 */
public record IkeMessage(IkeHeader header, List<IkePayload> payloads) {

    public IkeMessage {
        payloads = List.copyOf(payloads);
    }

    public <T extends IkePayload> List<T> all(Class<T> type) {
        List<T> out = new ArrayList<>(2);
        for (IkePayload p : payloads) {
            if (type.isInstance(p)) {
                out.add(type.cast(p));
            }
        }
        return out;
    }

    public <T extends IkePayload> Optional<T> first(Class<T> type) {
        for (IkePayload p : payloads) {
            if (type.isInstance(p)) {
                return Optional.of(type.cast(p));
            }
        }
        return Optional.empty();
    }

    public List<NotifyPayload> notifications() {
        return all(NotifyPayload.class);
    }

    public Optional<NotifyPayload> notification(int notifyType) {
        for (IkePayload p : payloads) {
            if (p instanceof NotifyPayload n && n.notifyType() == notifyType) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** The first error notification, if any. */
    public Optional<NotifyPayload> error() {
        for (IkePayload p : payloads) {
            if (p instanceof NotifyPayload n && n.isError()) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** The IDi or IDr payload. */
    public Optional<IdentificationPayload> identification(PayloadType kind) {
        for (IkePayload p : payloads) {
            if (p instanceof IdentificationPayload id && id.kind() == kind) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    /** The TSi or TSr payload. */
    public Optional<TrafficSelectorPayload> trafficSelectors(PayloadType kind) {
        for (IkePayload p : payloads) {
            if (p instanceof TrafficSelectorPayload ts && ts.kind() == kind) {
                return Optional.of(ts);
            }
        }
        return Optional.empty();
    }

    /** Ends with SK or SKF, i.e. still sealed. */
    public boolean isSealed() {
        IkePayload last = payloads.isEmpty() ? null : payloads.getLast();
        return last instanceof EncryptedPayload || last instanceof EncryptedFragmentPayload;
    }

    public byte[] encode() {
        return IkeMessageCodec.encode(this);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(header.toString()).append(" [");
        for (int i = 0; i < payloads.size(); i++) {
            IkePayload p = payloads.get(i);
            b.append(i == 0 ? "" : " ").append(PayloadType.name(p.typeCode()));
            if (p instanceof NotifyPayload n) {
                b.append('(').append(NotifyType.name(n.notifyType())).append(')');
            }
        }
        return b.append(']').toString();
    }
}
