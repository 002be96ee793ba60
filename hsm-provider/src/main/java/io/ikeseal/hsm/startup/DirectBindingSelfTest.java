package io.ikeseal.hsm.startup;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;

import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.kx.DhKeyPair;
import io.ikeseal.hsm.kx.KeyExchange;
import io.ikeseal.hsm.kx.KeyExchangeData;
import io.ikeseal.hsm.kx.ModpGroups;
import io.ikeseal.hsm.schedule.IkeSaKeys;
import io.ikeseal.hsm.schedule.KeySchedule;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;
import io.ikeseal.hsm.util.Octets;

/**
 * A start-up proof that the direct binding works on this token with its own templates (docs/tokens.md, "Direct
 * binding"): one key exchange through the token against a software peer, and on a sealed token the IKE SA keys and a
 * CHILD_SA's KEYMAT derived from its g^ir (RFC 7296 §2.14, §2.17), each compared with the same computed in software.
 * The SunPKCS11 self-tests before it prove the token's mechanisms; this proves the calls the handshakes make, before
 * the first handshake needs them. Its token calls are audited like any others, with no SA named.
 */
final class DirectBindingSelfTest {
    private static final AuditContext CTX = AuditContext.NONE;
    private static final int ENCR = 36; // AES-256-GCM: key and salt
    private static final int KEYMAT = 72;

    private DirectBindingSelfTest() {}

    /** Throws TokenException naming the step that failed. */
    static void run(Token token) {
        DhGroup group = token.capabilities().dhGroups().contains(DhGroup.ECP_256)
                ? DhGroup.ECP_256
                : token.capabilities().dhGroups().iterator().next();
        String step = "key exchange " + group.proposalName();
        try {
            KeyPair peer = softwarePair(group);
            KeyExchange kx = new KeyExchange(token);
            DhKeyPair mine = Token.await(kx.generate(group, CTX));
            byte[] mineKe = mine.keyExchangeData();
            SealedKey gir = Token.await(kx.agree(mine, KeyExchangeData.encode(group, peer.getPublic()), CTX));
            byte[] girRef = softwareAgree(group, peer, mineKe);
            try {
                if (token.tier() == ResidencyTier.COMPAT) {
                    check(step, MessageDigest.isEqual(gir.key().getEncoded(), girRef));
                    return;
                }
                step = "IKE SA keys";
                schedule(token, gir, girRef);
            } finally {
                gir.destroy();
                Arrays.fill(girRef, (byte) 0);
            }
        } catch (TokenException e) {
            throw new TokenException("direct binding self-test failed at " + step + ": " + e.getMessage(), e.ckr(), e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TokenException(
                    "direct binding self-test failed at " + step + ": "
                            + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    null,
                    e);
        }
    }

    /** SKEYSEED, SK_d and the host keys of an AEAD IKE SA, then a CHILD_SA's KEYMAT from SK_d. */
    private static void schedule(Token token, SealedKey gir, byte[] girRef) throws GeneralSecurityException {
        Prf prf = token.capabilities().sealedPrfs().iterator().next();
        int h = prf.outputLength();
        byte[] ni = filled(32, 1);
        byte[] nr = filled(32, 2);
        byte[] spiI = filled(8, 3);
        byte[] spiR = filled(8, 4);
        KeySchedule s = KeySchedule.forToken(token);
        SealedKey seed = Token.await(s.skeyseed(prf, ni, nr, gir, CTX));
        IkeSaKeys keys;
        try {
            keys = Token.await(s.ikeSaKeys(prf, seed, ni, nr, spiI, spiR, 0, ENCR, CTX));
        } finally {
            seed.destroy();
        }
        HostKey keymat = null;
        try {
            keymat = Token.await(s.childKeymat(prf, keys.skD(), null, ni, nr, KEYMAT, CTX));
            byte[] seedRef = mac(prf, Octets.concat(ni, nr), girRef);
            // SK_d | SK_ei | SK_er | SK_pi | SK_pr, no SK_a with an AEAD
            byte[] stream = prfPlus(prf, seedRef, Octets.concat(ni, nr, spiI, spiR), h + 2 * ENCR + 2 * h);
            check("IKE SA keys", MessageDigest.isEqual(keys.skEi().bytes(), Arrays.copyOfRange(stream, h, h + ENCR)));
            check(
                    "IKE SA keys",
                    MessageDigest.isEqual(
                            keys.skPr().bytes(), Arrays.copyOfRange(stream, stream.length - h, stream.length)));
            byte[] keymatRef = prfPlus(prf, Arrays.copyOf(stream, h), Octets.concat(ni, nr), KEYMAT);
            check("CHILD_SA KEYMAT", MessageDigest.isEqual(keymat.bytes(), keymatRef));
            Arrays.fill(seedRef, (byte) 0);
            Arrays.fill(stream, (byte) 0);
            Arrays.fill(keymatRef, (byte) 0);
        } finally {
            keys.destroy();
            if (keymat != null) {
                keymat.destroy();
            }
        }
    }

    private static void check(String step, boolean same) {
        if (!same) {
            throw new TokenException("the token's result differs from the software reference at " + step);
        }
    }

    private static KeyPair softwarePair(DhGroup group) throws GeneralSecurityException {
        if (group.kind() == DhGroup.Kind.MODP) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("DH");
            g.initialize(ModpGroups.parameters(group));
            return g.generateKeyPair();
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec(group.curve()));
        return g.generateKeyPair();
    }

    /** g^ir at its RFC 7296 §2.14 length, from the software side. */
    private static byte[] softwareAgree(DhGroup group, KeyPair peer, byte[] mineKe) throws GeneralSecurityException {
        KeyAgreement ka = KeyAgreement.getInstance(group.kind() == DhGroup.Kind.MODP ? "DH" : "ECDH");
        ka.init(peer.getPrivate());
        ka.doPhase(KeyExchangeData.decode(group, mineKe), true);
        byte[] raw = ka.generateSecret();
        byte[] out = new byte[group.sharedSecretLength()];
        System.arraycopy(raw, 0, out, out.length - raw.length, raw.length);
        Arrays.fill(raw, (byte) 0);
        return out;
    }

    private static byte[] mac(Prf prf, byte[] key, byte[]... data) throws GeneralSecurityException {
        Mac m = Mac.getInstance(prf.macAlgorithm());
        m.init(new SecretKeySpec(key, prf.macAlgorithm()));
        for (byte[] d : data) {
            m.update(d);
        }
        return m.doFinal();
    }

    /** prf+ (RFC 7296 §2.13) in software. */
    private static byte[] prfPlus(Prf prf, byte[] key, byte[] s, int length) throws GeneralSecurityException {
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        for (int k = 1, off = 0; off < length; k++) {
            t = mac(prf, key, t, s, new byte[] {(byte) k});
            System.arraycopy(t, 0, out, off, Math.min(t.length, length - off));
            off += t.length;
        }
        return out;
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
