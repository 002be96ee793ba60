package io.ikeseal.hsm.sign;

import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.token.Pkcs11Uri;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;
import io.ikeseal.hsm.token.TokenOperation;

/**
 * A signing key in an identity token: its KeyStore alias (CKA_LABEL), the private key handle (never
 * extractable), the certificate chain the token holds for it (leaf first), the key type, and whether the key has
 * CKA_ALWAYS_AUTHENTICATE (each signature then needs a context-specific login, {@link ContextLoginSigner}).
 */
public record TokenIdentity(
        Token token,
        String alias,
        PrivateKey privateKey,
        X509Certificate[] chain,
        KeyType keyType,
        boolean alwaysAuthenticate)
        implements AuthSigner {
    public TokenIdentity {
        chain = chain.clone();
    }

    @Override
    public X509Certificate[] chain() {
        return chain.clone();
    }

    @Override
    public X509Certificate certificate() {
        return chain[0];
    }

    /** Signs in the token ({@link TokenSigner#sign}): one audited "sign" call. */
    @Override
    public CompletableFuture<byte[]> sign(SignatureScheme scheme, byte[] octets, AuditContext ctx) {
        return TokenSigner.sign(this, scheme, octets, ctx);
    }

    /**
     * Looks a key up by label or RFC 7512 URI ({@code object=} label and/or {@code id=} CKA_ID; {@code token=},
     * if given, must be this token's label), as an audited "key-lookup" token call.
     */
    public static CompletableFuture<TokenIdentity> lookup(Token token, String keyRef, AuditContext context) {
        String shown = Pkcs11Uri.looksLikeUri(keyRef) ? Pkcs11Uri.parse(keyRef).toString() : keyRef;
        return token.call(
                new TokenOperation("key-lookup", "C_FindObjects", shown), context, () -> resolve(token, keyRef, shown));
    }

    /** Blocking {@link #lookup}, for start-up and configuration; never on an event loop. */
    public static TokenIdentity find(Token token, String keyRef) {
        return Token.await(lookup(token, keyRef, AuditContext.NONE));
    }

    private static TokenIdentity resolve(Token token, String keyRef, String shown) throws Exception {
        KeyStore ks = token.keyStore();
        List<String> candidates = new ArrayList<>();
        if (Pkcs11Uri.looksLikeUri(keyRef)) {
            Pkcs11Uri uri = Pkcs11Uri.parse(keyRef);
            if (uri.token() != null && !uri.token().equals(token.slot().label())) {
                throw new TokenException("key reference " + shown + " names token '" + uri.token() + "' but token '"
                        + token.name() + "' is labelled '" + token.slot().label() + "'");
            }
            if (uri.type() != null && !uri.type().equals("private")) {
                throw new TokenException(
                        "key reference " + shown + " has type=" + uri.type() + "; a signing key is type=private");
            }
            if (uri.object() == null && uri.id() == null) {
                throw new TokenException("key reference " + shown + " names neither object= nor id=");
            }
            if (uri.id() != null) {
                for (String label : TokenObjects.certificateLabelsWithId(token, uri.id())) {
                    if (uri.object() == null || uri.object().equals(label)) {
                        candidates.add(label);
                    }
                }
            } else {
                candidates.add(uri.object());
            }
        } else {
            candidates.add(keyRef);
        }
        for (String alias : candidates) {
            if (ks.isKeyEntry(alias) && ks.getKey(alias, null) instanceof PrivateKey key) {
                TokenIdentity found = identity(token, ks, alias, key);
                token.requireKeyOnRecovery(alias); // a reopened token must hold it again before it signs
                return found;
            }
        }
        throw new TokenException("token '" + token.name() + "' has no private key '" + shown + "' (keys present: "
                + keyAliases(ks) + ")");
    }

    private static TokenIdentity identity(Token token, KeyStore ks, String alias, PrivateKey key) throws Exception {
        Certificate[] certs = ks.getCertificateChain(alias);
        if (certs == null || certs.length == 0) {
            throw new TokenException("token '" + token.name() + "': key '" + alias + "' has no certificate");
        }
        X509Certificate[] chain =
                Arrays.stream(certs).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        KeyType type = KeyType.of(chain[0].getPublicKey())
                .orElseThrow(() -> new TokenException("token '"
                        + token.name() + "': key '" + alias + "' is "
                        + chain[0].getPublicKey().getAlgorithm()
                        + " on an unsupported curve or type; IKE_AUTH signs with EC P-256/P-384/P-521 or RSA"));
        return new TokenIdentity(token, alias, key, chain, type, TokenObjects.alwaysAuthenticate(token, alias));
    }

    private static List<String> keyAliases(KeyStore ks) throws Exception {
        List<String> out = new ArrayList<>();
        for (String a : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(a)) {
                out.add(a);
            }
        }
        Collections.sort(out);
        return out;
    }

    @Override
    public String toString() {
        return "TokenIdentity[" + token.name() + ", " + alias + ", " + keyType
                + (alwaysAuthenticate ? ", always-authenticate" : "") + "]";
    }
}
