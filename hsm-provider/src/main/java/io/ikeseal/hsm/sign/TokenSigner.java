package io.ikeseal.hsm.sign;

import java.security.Signature;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenOperation;

/**
 * Signs "the octets" (RFC 7296 §2.15, built by the caller) inside the identity token and returns the AUTH
 * payload's Authentication Data: for methods 1/9/10/11 the signature itself (9/10/11 as r|s, RFC 4754 §7);
 * for method 14 the AlgorithmIdentifier's length octet, the AlgorithmIdentifier and the signature (RFC 7427 §3).
 */
public final class TokenSigner {
    private TokenSigner() {}

    /** One audited "sign" token call; the audit record names the key by alias and carries no data. */
    public static CompletableFuture<byte[]> sign(
            TokenIdentity identity, SignatureScheme scheme, byte[] octets, AuditContext context) {
        if (!scheme.fits(identity.keyType())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "scheme " + scheme + " does not fit " + identity.keyType() + " key '" + identity.alias() + "'"));
        }
        byte[] data = octets.clone();
        Token token = identity.token();
        Route route = Route.of(token, scheme);
        return token.call(new TokenOperation("sign", route.mechanism, identity.alias()), context, () -> {
            if (identity.alwaysAuthenticate()) {
                return authenticationData(
                        scheme,
                        identity.keyType(),
                        ContextLoginSigner.sign(identity, scheme, route.mechanism, data, context));
            }
            Signature s = Signature.getInstance(route.jcaName, token.provider());
            // after a token recovery the key is re-found in the reopened token (docs/tokens.md, "Faults and recovery")
            s.initSign(token.privateKey(identity.alias(), identity.privateKey()));
            if (scheme.pssParameters() != null) {
                s.setParameter(scheme.pssParameters());
            }
            s.update(data);
            return authenticationData(scheme, identity.keyType(), s.sign());
        });
    }

    static byte[] authenticationData(SignatureScheme scheme, KeyType key, byte[] signature) {
        if (scheme.method() == AuthMethod.DIGITAL_SIGNATURE) {
            byte[] algId = scheme.algorithmIdentifier();
            byte[] out = new byte[1 + algId.length + signature.length];
            out[0] = (byte) algId.length;
            System.arraycopy(algId, 0, out, 1, algId.length);
            System.arraycopy(signature, 0, out, 1 + algId.length, signature.length);
            return out;
        }
        if (scheme.family() == SignatureScheme.Family.ECDSA) {
            return EcdsaSignatureEncoding.derToRaw(signature, key.fieldLength());
        }
        return signature;
    }

    /**
     * The SunPKCS11 algorithm and the PKCS#11 mechanism it runs: the hash-and-sign mechanism when the token
     * offers it, else the raw one with the hash computed by SunPKCS11 on the host (SoftHSM 2.6 has CKM_ECDSA only).
     */
    private record Route(String jcaName, String mechanism) {
        static Route of(Token token, SignatureScheme scheme) {
            Set<String> mechs = token.capabilities().mechanisms();
            String hu = scheme.hash().jcaName().replace("-", "");
            return switch (scheme.family()) {
                case ECDSA -> new Route(scheme.jcaSignatureName(), pick(mechs, "CKM_ECDSA_" + hu, "CKM_ECDSA"));
                case RSA_PKCS1 ->
                    new Route(scheme.jcaSignatureName(), pick(mechs, "CKM_" + hu + "_RSA_PKCS", "CKM_RSA_PKCS"));
                case RSA_PSS ->
                    mechs.contains("CKM_" + hu + "_RSA_PKCS_PSS")
                            ? new Route(scheme.jcaSignatureName(), "CKM_" + hu + "_RSA_PKCS_PSS")
                            : new Route("RSASSA-PSS", "CKM_RSA_PKCS_PSS");
            };
        }

        private static String pick(Set<String> mechs, String combined, String raw) {
            return mechs.contains(combined) ? combined : raw;
        }
    }
}
