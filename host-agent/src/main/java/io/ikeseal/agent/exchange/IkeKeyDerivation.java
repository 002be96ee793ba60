package io.ikeseal.agent.exchange;

import java.util.concurrent.CompletableFuture;

import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.wire.KeyExchangePayload;
import io.ikeseal.hsm.api.IkeCrypto;
import io.ikeseal.hsm.api.IkeSaKeyInputs;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.KeyShare;

/**
 * g^ir → SKEYSEED → {SK_d, SK_a*, SK_e*, SK_p*} (RFC 7296 §2.14): one step of the key-exchange token's port, which
 * destroys each sealed intermediate once the next key exists. Shared by both roles of IKE_SA_INIT.
 */
final class IkeKeyDerivation {
    private IkeKeyDerivation() {}

    /**
     * The IKE SA's keys from IKE_SA_INIT's results and the peer's KE.
     *
     * @param mine our key share; used up by the key agreement, also on failure
     * @return the keys; fails with the token's exception, or with
     *         {@link io.ikeseal.hsm.api.InvalidPeerValueException} for an invalid KE value (RFC 6989)
     */
    static CompletableFuture<IkeSaSecrets> derive(
            IkeCrypto crypto, IkeSa sa, IkeSaInitResult init, KeyShare mine, KeyExchangePayload peer) {
        IkeSuite suite = init.suite();
        IkeSaKeyInputs in = new IkeSaKeyInputs(
                suite.prf(),
                init.ni(),
                init.nr(),
                IkeSaKeyInputs.spi(sa.spiI()),
                IkeSaKeyInputs.spi(sa.spiR()),
                suite.protection().integrityKeyLength(),
                suite.protection().encryptionKeyLength());
        return crypto.ikeSaKeys(mine, peer.keyExchangeData(), in, sa.auditContext());
    }

    /** The failure without its CompletionException wrapper, as one line for logs and events. */
    static String describe(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                        || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
