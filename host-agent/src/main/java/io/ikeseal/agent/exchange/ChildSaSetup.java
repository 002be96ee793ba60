package io.ikeseal.agent.exchange;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.ts.Selector;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.IkeCrypto;

/**
 * The last steps of creating a CHILD_SA once both ends agreed on it, whichever exchange carried it: KEYMAT from the
 * sealed SK_d in the token (RFC 7296 §2.17; with PFS when {@link ChildKeying} carries a share), split into the four
 * ESP keys, and the hand-over to the installer, after which the host copies of the keys are destroyed.
 */
final class ChildSaSetup {
    /** CHILD_SA lines keep the logger they always had. */
    private static final Logger LOG = LoggerFactory.getLogger(ChildSaNegotiation.class);

    private final IkeCrypto crypto;
    private final SaOutputs outputs;
    private final Clock clock;

    ChildSaSetup(IkeCrypto crypto, SaOutputs outputs, Clock clock) {
        this.crypto = crypto;
        this.outputs = outputs;
        this.clock = clock;
    }

    /**
     * KEYMAT for {@code suite}: SK_d stays in the token; the host gets only the four ESP keys, initiator to
     * responder first, encryption key before integrity key in each direction (§2.17).
     */
    CompletableFuture<ChildSaKeys> keymat(ChildSuite suite, ChildKeying k) {
        int enc = suite.protection().encryptionKeyLength();
        int integ = suite.protection().integrityKeyLength();
        return crypto.childKeymat(
                        k.prf(), k.skD(), k.pfsShare(), k.peerKe(), k.ni(), k.nr(), suite.keymatLength(), k.ctx())
                .thenApply(km -> {
                    byte[] b = km.bytes();
                    try {
                        return new ChildSaKeys(
                                part(b, 0, enc, "ESP encryption I->R"),
                                part(b, enc, integ, "ESP integrity I->R"),
                                part(b, enc + integ, enc, "ESP encryption R->I"),
                                part(b, 2 * enc + integ, integ, "ESP integrity R->I"));
                    } finally {
                        Arrays.fill(b, (byte) 0);
                        km.destroy();
                    }
                });
    }

    private static HostKey part(byte[] keymat, int from, int length, String name) {
        byte[] p = Arrays.copyOfRange(keymat, from, from + length);
        try {
            return new HostKey(name, p);
        } finally {
            Arrays.fill(p, (byte) 0);
        }
    }

    /**
     * Installs the SA (keys destroyed whatever happens); null when the installer refused it. {@code weInitiated}: we
     * started the exchange that carried it, so TSi are our selectors (§2.9). {@code replaces}: the CHILD_SA this one
     * rekeys (§2.8), marked REKEYED and announced with the new one; it is deleted next, by the caller.
     */
    ChildSaRecord install(
            IkeSa sa,
            boolean weInitiated,
            ChildSa replaces,
            ChildConfig child,
            ChildSuite suite,
            ChildSaMode mode,
            byte[] inbound,
            byte[] outbound,
            List<Selector> tsi,
            List<Selector> tsr,
            ChildSaKeys keys) {
        List<Selector> ours = weInitiated ? tsi : tsr;
        List<Selector> peers = weInitiated ? tsr : tsi;
        ChildSaRecord r = new ChildSaRecord(
                sa.connection().name(),
                child.name(),
                sa.spiI(),
                sa.spiR(),
                IkeRandom.espSpiValue(inbound),
                IkeRandom.espSpiValue(outbound),
                suite,
                mode,
                ours.stream().map(Selector::toWire).toList(),
                peers.stream().map(Selector::toWire).toList(),
                sa.path().local(),
                sa.path().remote(),
                sa.init().nat().any(),
                child.lifetimes().lifeTime(),
                Instant.now(clock),
                weInitiated);
        try {
            outputs.installer().install(r, keys);
        } catch (RuntimeException e) {
            LOG.warn("{}: installing CHILD_SA {} failed: {}", sa.name(), r.describe(), e.toString());
            return null;
        } finally {
            keys.destroy();
        }
        sa.children().add(r, child);
        if (replaces == null) {
            LOG.debug("CHILD_SA {} established", r.describe());
            outputs.events().childSaEstablished(sa.info(), r);
        } else {
            replaces.state(ChildSa.State.REKEYED);
            LOG.debug("CHILD_SA {} rekeyed: {}", replaces.record().describe(), r.describe());
            outputs.events().childSaRekeyed(sa.info(), replaces.record(), r);
        }
        return r;
    }
}
