package io.ikeseal.testhsm;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Puts a signing key and its certificate on a SoftHSM token, the way a smartcard is personalized.
 *
 * <p>A second SunPKCS11 provider on the same (already initialized) module carries a generate
 * template that makes exactly this key pair a sensitive, non-extractable token object with the
 * alias as CKA_LABEL and CKA_ID; KeyStore.setEntry then keeps that key (same token, token
 * object) and only writes the certificate chain, with CKA_ID = alias to pair them.
 */
final class IdentityProvisioner {
    // printable ASCII: Config's "0h" byte-array values go through BigInteger, so no 0x00/0x80+ lead bytes
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    private IdentityProvisioner() {}

    static IdentityKey generate(SoftHsmToken token, IdentitySpec spec, TestCa ca) {
        return generate(token, spec, ca, false);
    }

    /** {@code alwaysAuthenticate}: the private key gets CKA_ALWAYS_AUTHENTICATE, as a smartcard's signing key has. */
    static IdentityKey generate(SoftHsmToken token, IdentitySpec spec, TestCa ca, boolean alwaysAuthenticate) {
        String alias = spec.alias();
        if (!ALIAS.matcher(alias).matches()) {
            throw new IllegalArgumentException("identity alias must match " + ALIAS + ": " + alias);
        }
        try {
            if (token.keyStore().containsAlias(alias)) {
                throw new IllegalArgumentException("token " + token.label() + " already holds " + alias);
            }
            Provider personalizer = Pkcs11Modules.configure(personalizerConfig(token, alias, alwaysAuthenticate));
            KeyStore ks = Pkcs11Modules.keyStore(personalizer, token.pin());
            KeyPairGenerator g = KeyPairGenerator.getInstance(spec.kind().algorithm(), personalizer);
            g.initialize(spec.kind().spec());
            KeyPair kp = g.generateKeyPair();
            X509Certificate leaf = ca.issue(kp.getPublic(), spec.subjectDn(), spec.sans());
            Certificate[] chain = {leaf, ca.certificate()};
            ks.setEntry(alias, new KeyStore.PrivateKeyEntry(kp.getPrivate(), chain), null);
            return readBack(token, spec);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot provision " + alias + " (" + spec.kind() + ") on " + token, e);
        }
    }

    private static String personalizerConfig(SoftHsmToken token, String alias, boolean alwaysAuthenticate) {
        String id = "0h" + HexFormat.of().formatHex(alias.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return "name = personalize-" + token.label() + "\n"
                + "library = " + token.library() + "\n"
                + "slot = " + token.slot() + "\n"
                + "attributes(generate,CKO_PRIVATE_KEY,*) = {\n"
                + "  CKA_TOKEN = true\n  CKA_PRIVATE = true\n  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n"
                + "  CKA_SIGN = true\n  CKA_DECRYPT = false\n  CKA_UNWRAP = false\n"
                + (alwaysAuthenticate ? "  CKA_ALWAYS_AUTHENTICATE = true\n" : "")
                + "  CKA_LABEL = " + id + "\n  CKA_ID = " + id + "\n}\n"
                + "attributes(generate,CKO_PUBLIC_KEY,*) = {\n"
                + "  CKA_TOKEN = true\n  CKA_VERIFY = true\n  CKA_ENCRYPT = false\n  CKA_WRAP = false\n"
                + "  CKA_LABEL = " + id + "\n  CKA_ID = " + id + "\n}\n";
    }

    /** Reads the entry back through the token's own provider and proves the key is sealed. */
    private static IdentityKey readBack(SoftHsmToken token, IdentitySpec spec) throws GeneralSecurityException {
        KeyStore ks = token.keyStore();
        if (!(ks.getKey(spec.alias(), null) instanceof PrivateKey key)) {
            throw new IllegalStateException(
                    token + " does not list " + spec.alias() + " as a key entry after setEntry");
        }
        if (key.getEncoded() != null) {
            throw new IllegalStateException(
                    spec.alias() + " on " + token + " is extractable: getEncoded() returned bytes");
        }
        List<X509Certificate> chain = Arrays.stream(ks.getCertificateChain(spec.alias()))
                .map(X509Certificate.class::cast)
                .toList();
        return new IdentityKey(spec.alias(), spec.kind(), chain.getFirst(), chain, key);
    }
}
