package io.ikeseal.testhsm.strongswan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One side's authentication in a swanctl connection ({@code local { }} or {@code remote { }}):
 * the method ({@code psk}, {@code pubkey}, {@code rsa/pss}, {@code ecdsa-256}, ...), the IKE
 * identity, and certificate files (names inside the swanctl directory's x509/ or x509ca/).
 */
public final class Auth {
    private final String method;
    private final String id;
    private final List<String> certs = new ArrayList<>();
    private final List<String> cacerts = new ArrayList<>();
    private final Map<String, String> extra = new LinkedHashMap<>();

    private Auth(String method, String id) {
        this.method = method;
        this.id = id;
    }

    /** Pre-shared key; the secret goes into {@link SwanctlConf#psk}. */
    public static Auth psk(String id) {
        return new Auth("psk", id);
    }

    /** Public key signatures of any kind (RFC 7427 when both sides announce SIGNATURE_HASH_ALGORITHMS). */
    public static Auth pubkey(String id) {
        return new Auth("pubkey", id);
    }

    /**
     * RSASSA-PSS with SHA-256 for the IKEv2 AUTH payload (RFC 7427), not for the certificate
     * chain: "ike:rsa/pss-sha256". Plain "rsa/pss" is not enough: charon 5.9.8 then still signs
     * with PKCS#1 v1.5 (unless charon.rsa_pss = yes).
     */
    public static Auth rsaPss(String id) {
        return new Auth("ike:rsa/pss-sha256", id);
    }

    /** Any swanctl auth value, e.g. "ike:rsa/pss-sha384" or "ecdsa-256" (without "ike:" also a chain constraint). */
    public static Auth method(String method, String id) {
        return new Auth(method, id);
    }

    /** This side's certificate, a file name in x509/ (see {@link Charon#install(CharonIdentity)}). */
    public Auth certs(String... files) {
        certs.addAll(List.of(files));
        return this;
    }

    /** Restricts the peer to certificates chaining to these CA files in x509ca/. */
    public Auth cacerts(String... files) {
        cacerts.addAll(List.of(files));
        return this;
    }

    /** Any other key of the section. */
    public Auth set(String key, String value) {
        extra.put(key, value);
        return this;
    }

    public String method() {
        return method;
    }

    public String id() {
        return id;
    }

    ConfSection section(String name) {
        ConfSection s = new ConfSection(name).set("auth", method);
        if (id != null) {
            s.set("id", id);
        }
        if (!certs.isEmpty()) {
            s.set("certs", String.join(",", certs));
        }
        if (!cacerts.isEmpty()) {
            s.set("cacerts", String.join(",", cacerts));
        }
        extra.forEach(s::set);
        return s;
    }
}
