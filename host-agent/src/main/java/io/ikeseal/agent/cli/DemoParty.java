package io.ikeseal.agent.cli;

import java.security.SecureRandom;
import java.util.HexFormat;

import io.ikeseal.hsm.audit.AuditContext;
import io.ikeseal.hsm.kx.DhGroup;
import io.ikeseal.hsm.kx.DhKeyPair;
import io.ikeseal.hsm.kx.KeyExchange;
import io.ikeseal.hsm.schedule.IkeSaKeys;
import io.ikeseal.hsm.schedule.KeySchedule;
import io.ikeseal.hsm.schedule.Prf;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;

import static io.ikeseal.hsm.token.Token.await;

/**
 * One side of the demo's IKE SA: its own nonce, SPI and DH key pair in the key-exchange token, and the keys it
 * derives there (RFC 7296 §2.14). Both sides may use the same token; their secrets are separate token objects.
 */
final class DemoParty {
    private static final SecureRandom RANDOM = new SecureRandom();

    final String role;
    final byte[] nonce = random(32);
    final byte[] spi = random(8);
    private final KeyExchange kx;
    private final KeySchedule schedule;
    private DhKeyPair keyPair;
    AuditContext context;
    IkeSaKeys keys;

    DemoParty(String role, Token keyExchangeToken) {
        this.role = role;
        this.kx = new KeyExchange(keyExchangeToken);
        this.schedule = KeySchedule.forToken(keyExchangeToken);
    }

    byte[] startKeyExchange(DhGroup group) {
        keyPair = await(kx.generate(group, context));
        return keyPair.keyExchangeData();
    }

    /** g^ir from the peer's KE data; the private value is destroyed by the token layer afterwards. */
    SealedKey finishKeyExchange(byte[] peerKe) {
        SealedKey gir = await(kx.agree(keyPair, peerKe, context));
        keyPair = null;
        return gir;
    }

    void deriveIkeSaKeys(Prf prf, SealedKey gir, byte[] ni, byte[] nr, byte[] spiI, byte[] spiR) {
        SealedKey skeyseed = await(schedule.skeyseed(prf, ni, nr, gir, context));
        gir.destroy();
        keys = await(schedule.ikeSaKeys(prf, skeyseed, ni, nr, spiI, spiR, 0, 36, context));
        skeyseed.destroy();
    }

    /** A public PRF output of SK_d: two sides agree on SK_d iff these agree, and SK_d never leaves the token. */
    byte[] skDFingerprint(Prf prf, byte[] probe) {
        return await(schedule.prf(prf, keys.skD(), probe, context));
    }

    byte[] childKeymat(Prf prf, byte[] ni, byte[] nr, int length) {
        var keymat = await(schedule.childKeymat(prf, keys.skD(), null, ni, nr, length, context));
        try {
            return keymat.bytes();
        } finally {
            keymat.destroy();
        }
    }

    SealedKey rekeySkeyseed(Prf prf, SealedKey girNew, byte[] ni, byte[] nr) {
        return await(schedule.rekeySkeyseed(prf, keys.skD(), girNew, ni, nr, context));
    }

    byte[] prf(Prf prf, SealedKey key, byte[] data) {
        return await(schedule.prf(prf, key, data, context));
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
