package io.ikeseal.agent.exchange;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.protect.FragmentSize;
import io.ikeseal.agent.transport.IkeSender;
import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.hsm.audit.AuditException;

/**
 * How an IKE SA's protected messages leave: sealed in SK (RFC 7296 §3.14), or in SKF fragments once both ends
 * announced RFC 7383 and the message would exceed the fragment size, then sent datagram by datagram. Runs on the
 * SA's executor.
 */
final class OutboundMessages {
    private static final Logger LOG = LoggerFactory.getLogger(TaskManager.class);

    private final IkeSa sa;
    private final ExchangeSettings settings;

    OutboundMessages(IkeSa sa, ExchangeSettings settings) {
        this.sa = sa;
        this.settings = settings;
    }

    List<byte[]> seal(IkeHeader h, List<? extends IkePayload> payloads) {
        int limit = settings.fragmentSize() - (sa.path().natT() ? 4 : 0);
        if (sa.init().fragmentation() && sa.protection().messages().protectedLength(payloads) > limit) {
            return sa.protection().messages().protectFragments(h, payloads, new FragmentSize(limit));
        }
        return List.of(sa.protection().messages().protect(h, payloads));
    }

    /** Our CERT payloads on this SA's connection, as IKE_AUTH sent them. */
    List<CertificatePayload> ourCertificates() {
        return sa.connection().localAuth().certificates();
    }

    void sendAll(List<byte[]> datagrams, IkeSender to) {
        sa.life().keepalive().sent();
        for (byte[] d : datagrams) {
            to.send(d).exceptionally(e -> {
                AuditException lost = auditFailure(e);
                if (lost == null) {
                    LOG.info("{}: sending to {} failed: {}", sa.name(), to.remote(), e.toString());
                } else {
                    // The message depends on token results whose audit records are not durable: it never left, and
                    // nothing built on them may (docs/audit.md). Ended now rather than by retransmission timeouts.
                    sa.exec().execute(() -> sa.close("not sent: its audit records are not durable", false));
                }
                return null;
            });
        }
    }

    /** The audit barrier's failure behind a failed send, or null (a socket error: as a lost datagram). */
    private static AuditException auditFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuditException a) return a;
        }
        return null;
    }
}
