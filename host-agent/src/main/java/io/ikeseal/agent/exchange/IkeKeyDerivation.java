package io.ikeseal.agent.exchange;

import java.util.concurrent.CompletableFuture;

import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.wire.KeyExchangePayload;
import io.ikeseal.agent.wire.WireWriter;
import io.ikeseal.hsm.audit.AuditContext;
import io.ikeseal.hsm.kx.DhKeyPair;
import io.ikeseal.hsm.schedule.IkeSaKeys;
import io.ikeseal.hsm.schedule.KeySchedule;
import io.ikeseal.hsm.token.SealedKey;

/**
 * g^ir → SKEYSEED → {SK_d, SK_a*, SK_e*, SK_p*} (RFC 7296 §2.14), all in the key-exchange token: three token calls,
 * each destroying its sealed input once the next key exists. Shared by both roles of IKE_SA_INIT.
 */
final class IkeKeyDerivation {
    private IkeKeyDerivation() {
    }

    /**
     * @param mine our DH pair; used up (destroyed) by the token's key agreement, also on failure
     * @return the keys; fails with the token's or the peer-value check's exception
     *         ({@link io.ikeseal.hsm.kx.InvalidKeyExchangeException} for an invalid KE value, RFC 6989)
     */
    static CompletableFuture<IkeSaKeys> derive(IkeSession s, DhKeyPair mine, KeyExchangePayload peer, IkeSuite suite) {
        AuditContext ctx = s.auditContext();
        KeySchedule ks = s.services.schedule();
        byte[] ni = s.ni;
        byte[] nr = s.nr;
        byte[] spiI = spi(s.spiI);
        byte[] spiR = spi(s.spiR);
        CompletableFuture<SealedKey> gir;
        try {
            gir = s.services.kx().agree(mine, suite.group(), peer.keyExchangeData(), ctx);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return gir.thenCompose(g -> ks.skeyseed(suite.prf(), ni, nr, g, ctx).whenComplete((k, e) -> g.destroy()))
                .thenCompose(seed -> ks.ikeSaKeys(suite.prf(), seed, ni, nr, spiI, spiR,
                        suite.protection().integrityKeyLength(), suite.protection().encryptionKeyLength(), ctx)
                        .whenComplete((k, e) -> seed.destroy()));
    }

    static byte[] spi(long spi) {
        return new WireWriter(8).u64(spi).array();
    }

    /** The failure without its CompletionException wrapper, as one line for logs and events. */
    static String describe(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
