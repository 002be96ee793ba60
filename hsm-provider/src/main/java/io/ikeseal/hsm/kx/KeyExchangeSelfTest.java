package io.ikeseal.hsm.kx;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.KeyAgreement;
import javax.crypto.SecretKey;

import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.Pkcs11Module;

/**
 * Start-up proof that the token really completes a key exchange for a group its mechanism list claims:
 * SoftHSM 2.6, for one, lists CKM_DH_PKCS_DERIVE but refuses SunPKCS11's derive template
 * (CKR_TEMPLATE_INCOMPLETE: it wants CKA_VALUE_LEN). A group that fails here is not offered, rather than
 * failing a handshake later. hsm.startup runs it on each listed group before the token is handed out.
 */
public final class KeyExchangeSelfTest {
    /** Software peers are public throw-away keys; one per group per process keeps start-up cheap. */
    private static final Map<DhGroup, KeyPair> PEERS = new ConcurrentHashMap<>();

    private KeyExchangeSelfTest() {}

    /** Returns null when the group works, else the CKR code or exception name that stopped it. */
    public static String run(Provider token, DhGroup group, ResidencyTier tier) {
        try {
            boolean ec = group.kind() == DhGroup.Kind.ECP;
            AlgorithmParameterSpec params = ec ? new ECGenParameterSpec(group.curve()) : ModpGroups.parameters(group);
            KeyPairGenerator gen = KeyPairGenerator.getInstance(ec ? "EC" : "DH", token);
            gen.initialize(params);
            KeyPair mine = gen.generateKeyPair();
            KeyPair peer = PEERS.computeIfAbsent(group, g -> softwarePair(ec, params));
            KeyAgreement ka = KeyAgreement.getInstance(ec ? "ECDH" : "DH", token);
            ka.init(mine.getPrivate());
            ka.doPhase(peer.getPublic(), true);
            SecretKey secret = ka.generateSecret("Generic");
            if (tier == ResidencyTier.COMPAT && secret.getEncoded() == null) {
                return "shared secret not readable (compat tier needs it on the host)";
            }
            return null;
        } catch (Exception e) {
            String ckr = Pkcs11Module.ckrOf(e);
            return ckr != null ? ckr : e.getClass().getSimpleName();
        }
    }

    private static KeyPair softwarePair(boolean ec, AlgorithmParameterSpec params) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance(ec ? "EC" : "DH");
            gen.initialize(params);
            return gen.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException("software " + (ec ? "EC" : "DH") + " unavailable", e);
        }
    }
}
