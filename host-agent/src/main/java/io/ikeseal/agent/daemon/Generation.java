package io.ikeseal.agent.daemon;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.ikeseal.agent.auth.CertificateValidator;
import io.ikeseal.agent.auth.LocalAuthenticator;
import io.ikeseal.agent.auth.OwnCertificates;
import io.ikeseal.agent.auth.PkixResultCache;
import io.ikeseal.agent.auth.TrustAnchors;
import io.ikeseal.agent.config.ConfigException;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.IdentityConfig;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.exchange.Connection;
import io.ikeseal.agent.exchange.Credentials;
import io.ikeseal.hsm.api.IkeCrypto;
import io.ikeseal.hsm.audit.AuditSink;
import io.ikeseal.hsm.sign.SignatureVerifier;
import io.ikeseal.hsm.sign.TokenIdentity;

/**
 * One configuration's connections with their credentials looked up in the tokens, as the daemon starts with it and
 * as a reload builds it, completely, before anything changes (docs/operations-reload.md). A connection whose entry,
 * identity key and certificate chain are the same as in the previous generation keeps its {@link Connection} object:
 * its SAs hold that object and are not touched. The certificate validator, with its cache of PKIX results, is new
 * whenever the trust anchors or our own identities differ, so no result outlives the trust it was computed under.
 *
 * @param anchors the certificates the {@code trust} files held when read (a file's contents may change, not its name)
 * @param kept    the connections taken over unchanged from the previous generation (none at start)
 */
record Generation(
        IkesealConfig config,
        Map<String, Connection> connections,
        Map<String, TokenIdentity> identities,
        List<X509Certificate> anchors,
        Credentials credentials,
        Set<String> kept) {

    Generation {
        connections = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(connections));
        identities = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(identities));
        anchors = List.copyOf(anchors);
        kept = Set.copyOf(kept);
    }

    /** What every generation of one daemon shares; only a restart changes it. */
    record Fixed(IkeCrypto crypto, ExchangeSettings settings, SignatureVerifier peerSignatures, AuditSink audit) {}

    /**
     * Looks up the key of each identity a connection of {@code config} signs with (in a token opened through
     * {@code tokens}) and checks each connection's {@code local-id} against its certificate ({@link StartupChecks}).
     * An identity whose key and chain are those of {@code previous} (null at start) keeps its object there.
     */
    static Map<String, TokenIdentity> identities(IkesealConfig config, TokenSet tokens, Generation previous) {
        Map<String, TokenIdentity> identities = new LinkedHashMap<>();
        for (IdentityConfig id : config.identities()) {
            if (config.connections().stream().anyMatch(c -> id.name().equals(c.identity()))) {
                TokenIdentity found = StartupChecks.key(
                        config, id, tokens.open(config.token(id.token()).orElseThrow()));
                TokenIdentity before =
                        previous == null ? null : previous.identities().get(id.name());
                identities.put(id.name(), before != null && sameKey(before, found) ? before : found);
            }
        }
        for (int i = 0; i < config.connections().size(); i++) {
            ConnectionConfig c = config.connections().get(i);
            if (c.localAuth() == ConnectionConfig.AuthKind.PUBKEY) {
                StartupChecks.localId(config, c, i, identities.get(c.identity()));
            }
        }
        return identities;
    }

    /** Builds the generation of {@code config}, reusing what {@code previous} (null at start) has unchanged. */
    static Generation build(
            IkesealConfig config, Map<String, TokenIdentity> identities, Fixed fixed, Generation previous) {
        Map<String, Connection> connections = new LinkedHashMap<>();
        Set<String> kept = new HashSet<>();
        for (ConnectionConfig c : config.connections()) {
            Connection before = previous == null ? null : previous.connections().get(c.name());
            boolean same = before != null
                    && before.config().equals(c)
                    && (c.localAuth() != ConnectionConfig.AuthKind.PUBKEY
                            || sameKey(previous.identities().get(c.identity()), identities.get(c.identity())));
            connections.put(c.name(), same ? before : connection(c, identities, fixed));
            if (same) {
                kept.add(c.name());
            }
        }
        List<X509Certificate> anchors = new ArrayList<>();
        for (int i = 0; i < config.trust().size(); i++) {
            Path p = config.trust().get(i);
            try {
                anchors.addAll(TrustAnchors.load(p).certificates());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(config.file(), "trust[" + i + "]", e.getMessage(), e);
            }
        }
        if (previous != null && anchors.equals(previous.anchors()) && sameKeys(previous.identities(), identities)) {
            return new Generation(config, connections, identities, anchors, previous.credentials(), kept);
        }
        TrustAnchors trust = TrustAnchors.of(anchors);
        CertificateValidator validator = new CertificateValidator(
                trust,
                OwnCertificates.of(identities.values()),
                Clock.systemUTC(),
                PkixResultCache.withDefaults(), // a new cache: no result outlives the anchors it was computed under
                fixed.peerSignatures());
        Credentials credentials =
                new Credentials(validator, trust, fixed.settings().signatures(), fixed.crypto(), fixed.audit());
        return new Generation(config, connections, identities, anchors, credentials, kept);
    }

    /** What this generation changes against {@code before}: connections by outcome, and the trust anchors. */
    ReloadReport changesSince(Generation before) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (String name : connections.keySet()) {
            (!before.connections().containsKey(name) ? added : kept.contains(name) ? unchanged : changed).add(name);
        }
        List<String> removed = before.connections().keySet().stream()
                .filter(n -> !connections.containsKey(n))
                .toList();
        return new ReloadReport(added, removed, changed, unchanged, trustDiffers(before));
    }

    /** Whether the trust anchors differ from {@code other}'s. */
    boolean trustDiffers(Generation other) {
        return !anchors.equals(other.anchors());
    }

    private static Connection connection(ConnectionConfig c, Map<String, TokenIdentity> identities, Fixed fixed) {
        if (c.localAuth() == ConnectionConfig.AuthKind.PUBKEY) {
            TokenIdentity id = identities.get(c.identity());
            return new Connection(
                    c,
                    LocalAuthenticator.signature(id, fixed.settings().signatures()),
                    id.keyType() + " key '" + id.alias() + "' on token "
                            + id.token().name());
        }
        return new Connection(
                c,
                LocalAuthenticator.psk(fixed.crypto(), c.psk()),
                "PSK '" + c.psk() + "' in token " + fixed.crypto().tokenName());
    }

    /** The same key on the same token with the same certificate chain. */
    private static boolean sameKey(TokenIdentity a, TokenIdentity b) {
        return a != null
                && b != null
                && a.token().name().equals(b.token().name())
                && a.alias().equals(b.alias())
                && a.keyType() == b.keyType()
                && Arrays.equals(a.chain(), b.chain());
    }

    private static boolean sameKeys(Map<String, TokenIdentity> a, Map<String, TokenIdentity> b) {
        return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(k -> sameKey(a.get(k), b.get(k)));
    }
}
