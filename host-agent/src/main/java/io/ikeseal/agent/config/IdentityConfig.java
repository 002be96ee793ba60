package io.ikeseal.agent.config;

import io.ikeseal.hsm.token.Pkcs11Uri;

/**
 * One {@code identities[]} entry: a signing key on an identity token.
 *
 * @param token the {@link TokenConfig#name()} holding the key
 * @param key   the key's label (CKA_LABEL, the KeyStore alias) or an RFC 7512 {@code pkcs11:} URI naming it
 */
public record IdentityConfig(String name, String token, String key) {

    public boolean keyIsUri() {
        return Pkcs11Uri.looksLikeUri(key);
    }

    static IdentityConfig from(YamlModel.Identity raw, ConfigSource src, String at) {
        if (raw == null) {
            throw src.error(at, "empty entry");
        }
        String name = src.requireName(at + ".name", raw.name());
        String token = src.requireText(at + ".token", raw.token());
        String key = src.requireText(at + ".key", raw.key());
        if (Pkcs11Uri.looksLikeUri(key)) {
            if (key.toLowerCase(java.util.Locale.ROOT).matches(".*[?&]pin-value=.*")) {
                throw src.error(
                        at + ".key",
                        "pin-value is refused: a PIN does not belong in configuration; "
                                + "set pin-file or pin-env on the token");
            }
            Pkcs11Uri uri;
            try {
                uri = Pkcs11Uri.parse(key);
            } catch (IllegalArgumentException e) {
                throw src.error(at + ".key", e.getMessage());
            }
            if (uri.object() == null && uri.id() == null) {
                throw src.error(at + ".key", "names no key: give object= (label) or id=");
            }
            if (uri.type() != null && !uri.type().equals("private")) {
                throw src.error(at + ".key", "type must be private (the signing key), was '" + uri.type() + "'");
            }
        }
        return new IdentityConfig(name, token, key);
    }
}
