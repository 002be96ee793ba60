package io.ikeseal.agent.exchange;

import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.ts.TsPair;
import io.ikeseal.agent.ts.Selector;
import io.ikeseal.agent.wire.WireReader;
import io.ikeseal.hsm.api.HostKey;

/**
 * What both roles do to create a CHILD_SA in IKE_AUTH: choose our inbound SPI, derive KEYMAT = prf+(SK_d, Ni | Nr)
 * from the sealed SK_d in the token (RFC 7296 §2.17), split it, hand the SA and its keys to the installer, and
 * destroy the keys once it returns.
 */
final class ChildSaSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ChildSaSetup.class);
    /** SPIs 1..255 are reserved by IANA (RFC 4303 §2.1). */
    private static final int MIN_SPI = 0x100;

    private ChildSaSetup() {
    }

    static byte[] newInboundSpi(GatewayServices services) {
        while (true) {
            byte[] spi = services.random(4);
            if (Integer.compareUnsigned(spiValue(spi), MIN_SPI) >= 0) {
                return spi;
            }
        }
    }

    static int spiValue(byte[] spi) {
        try {
            return (int) new WireReader(spi).u32();
        } catch (io.ikeseal.agent.wire.MalformedMessageException e) {
            throw new IllegalArgumentException("an ESP SPI is 4 octets", e);
        }
    }

    /**
     * KEYMAT for {@code suite}: SK_d stays in the token; the host gets only the four ESP keys, initiator to
     * responder first, encryption key before integrity key in each direction (§2.17).
     */
    static CompletableFuture<ChildSaKeys> keymat(IkeSession s, ChildSuite suite) {
        int enc = suite.protection().encryptionKeyLength();
        int integ = suite.protection().integrityKeyLength();
        return s.services.crypto().childKeymat(s.suite.prf(), s.keys.skD(), null, null, s.ni, s.nr,
                suite.keymatLength(), s.auditContext()).thenApply(km -> {
                    byte[] b = km.bytes();
                    try {
                        return new ChildSaKeys(part(b, 0, enc, "ESP encryption I->R"),
                                part(b, enc, integ, "ESP integrity I->R"), part(b, enc + integ, enc,
                                "ESP encryption R->I"), part(b, 2 * enc + integ, integ, "ESP integrity R->I"));
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
     * Installs the SA; the keys are destroyed whatever happens. Returns the record, or null when the installer
     * refused it (the caller tells the peer).
     *
     * @param ours  our end's selectors, {@code peers} the peer's
     */
    static ChildSaRecord install(IkeSession s, ChildConfig child, ChildSuite suite, ChildSaMode mode, byte[] inbound,
                                 byte[] outbound, java.util.List<Selector> ours, java.util.List<Selector> peers,
                                 ChildSaKeys keys) {
        ChildSaRecord r = new ChildSaRecord(s.connection.name(), child.name(), s.spiI, s.spiR, spiValue(inbound),
                spiValue(outbound), suite, mode, ours.stream().map(Selector::toWire).toList(),
                peers.stream().map(Selector::toWire).toList(), s.path.local(), s.path.remote(), s.nat.any(),
                child.lifetime(), Instant.now(s.services.clock()));
        try {
            s.services.installer().install(r, keys);
        } catch (RuntimeException e) {
            LOG.warn("{}: installing CHILD_SA {} failed: {}", s.name(), r.describe(), e.toString());
            return null;
        } finally {
            keys.destroy();
        }
        s.children.add(r);
        LOG.info("CHILD_SA {} established", r.describe());
        s.services.events().childSaEstablished(s.info(), r);
        return r;
    }

    /** Our end and the peer's end of a negotiated TSi/TSr pair. */
    static java.util.List<Selector> ours(IkeSession s, TsPair ts) {
        return s.originalInitiator ? ts.tsi() : ts.tsr();
    }

    static java.util.List<Selector> peers(IkeSession s, TsPair ts) {
        return s.originalInitiator ? ts.tsr() : ts.tsi();
    }
}
