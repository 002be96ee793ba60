package io.ikeseal.hsm.sign;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * ECDSA verification on the host with BouncyCastle's provider: with a peer's key converted once to BC's own (named
 * curve, precomputed multiples kept) about 6 times as fast as SunEC for P-256 and 7 times for P-384 on JDK 25
 * (docs/performance.md). The provider instance is private to this class, never registered with
 * {@link java.security.Security}, so nothing else picks it up by name.
 */
final class HostEcdsa implements EcdsaVerifier {
    static final HostEcdsa INSTANCE = new HostEcdsa();

    private static final Provider BC = new BouncyCastleProvider();
    /** Peers' keys as BC keys: BC keeps precomputed multiples of a point on the point, so a key reused is faster. */
    private static final int CAPACITY = 256;

    private final PeerKeys<PublicKey> keys = new PeerKeys<>(CAPACITY);

    private HostEcdsa() {}

    @Override
    public boolean verify(PublicKey key, KeyType type, HashAlgorithm hash, byte[] octets, byte[] rs)
            throws GeneralSecurityException {
        // PLAIN-ECDSA is BSI TR-03111 r|s: BC rejects a length other than twice the order's and r, s outside [1, n-1]
        Signature v = Signature.getInstance(hash.jcaName().replace("-", "") + "withPLAIN-ECDSA", BC);
        // From its SubjectPublicKeyInfo BC takes the named curve's shared parameters, whose multiples of G it has
        // precomputed; the same BC key for every SA of a peer keeps the multiples of the peer's point too (about 3x).
        v.initVerify(keys.get(
                key, 0, k -> KeyFactory.getInstance("EC", BC).generatePublic(new X509EncodedKeySpec(k.getEncoded()))));
        v.update(octets);
        return v.verify(rs);
    }

    @Override
    public String engine(KeyType type) {
        return "host";
    }
}
