package io.ikeseal.agent.sa;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default installer until there is a data plane: records each CHILD_SA (SPIs, algorithms, selectors, lifetime)
 * and logs one line, never touching the keys. This machine's kernel has no ESP transform (docs/strongswan-peer.md), so
 * nothing could be installed here anyway.
 */
public final class RecordingInstaller implements ChildSaInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingInstaller.class);
    private final List<ChildSaRecord> installed = new CopyOnWriteArrayList<>();

    @Override
    public void install(ChildSaRecord sa, ChildSaKeys keys) {
        installed.add(sa);
        LOG.debug("CHILD_SA installed (recorded, no data plane): {}", sa.describe());
    }

    @Override
    public void remove(ChildSaRecord sa) {
        // By SPIs, as an IPsec stack finds its SAs: an IKE SA rekey rewrites the record's IKE SPIs (RFC 7296 §2.18).
        if (installed.removeIf(c -> c.inboundSpi() == sa.inboundSpi() && c.outboundSpi() == sa.outboundSpi())) {
            LOG.debug("CHILD_SA removed: {}", sa.describe());
        }
    }

    /** The SAs installed and not removed, oldest first. */
    public List<ChildSaRecord> installed() {
        return List.copyOf(installed);
    }
}
