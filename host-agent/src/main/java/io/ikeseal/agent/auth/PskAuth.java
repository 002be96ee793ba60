package io.ikeseal.agent.auth;

import java.util.concurrent.CompletableFuture;

import io.ikeseal.hsm.audit.AuditContext;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.schedule.KeySchedule;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;

/**
 * AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), octets) (RFC 7296 §2.15), both PRFs in the key-exchange token:
 * the key pad is a sealed token key ({@link PresharedKeys#keyPad}), destroyed as soon as the MAC is out. The same
 * computation makes our AUTH and checks the peer's.
 */
final class PskAuth {
    private PskAuth() {
    }

    /** Fails (never throws) if the PSK cannot be used, e.g. a name the token layer refuses. */
    static CompletableFuture<byte[]> compute(PresharedKeys keys, Prf prf, String name, byte[] octets, AuditContext ctx) {
        byte[] data = octets.clone();
        CompletableFuture<SealedKey> pad;
        try {
            pad = keys.keyPad(prf, name, ctx);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return pad.thenCompose(p -> macAndDestroy(keys.token(), prf, p, data, ctx));
    }

    /** prf(pad, octets) in the token; the pad handle is destroyed whatever happens. */
    static CompletableFuture<byte[]> macAndDestroy(Token token, Prf prf, SealedKey pad, byte[] octets, AuditContext ctx) {
        CompletableFuture<byte[]> mac;
        try {
            mac = KeySchedule.forToken(token).prf(prf, pad, octets, ctx);
        } catch (RuntimeException e) {
            pad.destroy();
            return CompletableFuture.failedFuture(e);
        }
        return mac.whenComplete((ignored, error) -> pad.destroy());
    }
}
