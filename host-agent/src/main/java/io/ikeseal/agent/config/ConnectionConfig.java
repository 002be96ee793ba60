package io.ikeseal.agent.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.ikeseal.agent.auth.IkeIdentity;
import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.proposal.ProposalSyntaxException;

/**
 * One {@code connections[]} entry: a peer, how each side authenticates, the IKE proposals and the CHILD_SAs.
 *
 * @param remote     the peer's address and port, or null for {@code any} (responder only)
 * @param remoteId   the identity the peer must prove, or null: any identity its certificate names
 * @param identity   {@code identities[].name} for {@code local-auth: pubkey}
 * @param psk        {@code psks[].name} when either side authenticates with the PSK
 * @param lifetimes  when the IKE SA is rekeyed or reauthenticated, and its hard limit
 * @param liveness   dead peer detection and what follows a dead peer or the peer's Delete
 * @param initiate   {@code ikeseal run} initiates this connection at start, and again until it is up
 */
public record ConnectionConfig(
        String name,
        InetAddress localAddress,
        InetSocketAddress remote,
        IkeIdentity localId,
        IkeIdentity remoteId,
        AuthKind localAuth,
        AuthKind remoteAuth,
        String identity,
        String psk,
        List<ConfiguredProposal> proposals,
        IkeLifetimes lifetimes,
        Liveness liveness,
        boolean initiate,
        List<ChildConfig> children) {
    static final String DEFAULT_IKE = "aes256gcm16-prfsha256-ecp256";

    /** How one side proves its identity (RFC 7296 §2.15). */
    public enum AuthKind {
        /** A signature by a token key, with a certificate. */
        PUBKEY,
        /** The PSK held in a key-exchange token. */
        PSK
    }

    public ConnectionConfig {
        proposals = List.copyOf(proposals);
        children = List.copyOf(children);
    }

    /** The same connection with other IKE SA lifetimes (e.g. ones below a file's minimum, for tests). */
    public ConnectionConfig withLifetimes(IkeLifetimes l) {
        return new ConnectionConfig(
                name,
                localAddress,
                remote,
                localId,
                remoteId,
                localAuth,
                remoteAuth,
                identity,
                psk,
                proposals,
                l,
                liveness,
                initiate,
                children);
    }

    /** The same connection with other liveness settings. */
    public ConnectionConfig withLiveness(Liveness l) {
        return new ConnectionConfig(
                name,
                localAddress,
                remote,
                localId,
                remoteId,
                localAuth,
                remoteAuth,
                identity,
                psk,
                proposals,
                lifetimes,
                l,
                initiate,
                children);
    }

    /** The same connection with other CHILD_SAs. */
    public ConnectionConfig withChildren(List<ChildConfig> c) {
        return new ConnectionConfig(
                name,
                localAddress,
                remote,
                localId,
                remoteId,
                localAuth,
                remoteAuth,
                identity,
                psk,
                proposals,
                lifetimes,
                liveness,
                initiate,
                c);
    }

    /** The same connection to another peer address and port (e.g. a port only known once the peer is up). */
    public ConnectionConfig withRemote(InetSocketAddress r) {
        return new ConnectionConfig(
                name,
                localAddress,
                r,
                localId,
                remoteId,
                localAuth,
                remoteAuth,
                identity,
                psk,
                proposals,
                lifetimes,
                liveness,
                initiate,
                children);
    }

    static ConnectionConfig from(YamlModel.Connection raw, ConfigSource src, String at) {
        if (raw == null) {
            throw src.error(at, "empty entry");
        }
        String name = src.requireName(at + ".name", raw.name());
        InetAddress local = Addresses.literal(src, at + ".local-address", raw.localAddress());
        InetSocketAddress remote = null;
        String remoteText = src.requireText(at + ".remote-address", raw.remoteAddress());
        int port = raw.remotePort() == null ? 500 : raw.remotePort();
        if (port < 1 || port > 65_535) {
            throw src.error(at + ".remote-port", "must be a UDP port 1..65535, was " + port);
        }
        if (!remoteText.equals("any")) {
            InetAddress r = Addresses.literal(src, at + ".remote-address", remoteText);
            if (r.getAddress().length != local.getAddress().length) {
                throw src.error(
                        at + ".remote-address", "address family differs from local-address " + local.getHostAddress());
            }
            remote = new InetSocketAddress(r, port);
        }
        IkeIdentity localId = identity(src, at + ".local-id", src.requireText(at + ".local-id", raw.localId()));
        IkeIdentity remoteId = raw.remoteId() == null || raw.remoteId().equals("any")
                ? null
                : identity(src, at + ".remote-id", raw.remoteId());
        AuthKind localAuth = kind(src, at + ".local-auth", src.requireText(at + ".local-auth", raw.localAuth()));
        AuthKind remoteAuth = raw.remoteAuth() == null ? localAuth : kind(src, at + ".remote-auth", raw.remoteAuth());
        if (localAuth == AuthKind.PUBKEY && raw.identity() == null) {
            throw src.error(at + ".identity", "required with local-auth: pubkey (an identities[].name)");
        }
        if (localAuth == AuthKind.PSK && raw.identity() != null) {
            throw src.error(at + ".identity", "only for local-auth: pubkey");
        }
        boolean usesPsk = localAuth == AuthKind.PSK || remoteAuth == AuthKind.PSK;
        if (usesPsk && raw.psk() == null) {
            throw src.error(at + ".psk", "required when a side authenticates with psk (a psks[].name)");
        }
        if (!usesPsk && raw.psk() != null) {
            throw src.error(at + ".psk", "neither side uses psk");
        }
        if (remoteAuth == AuthKind.PSK && remoteId == null) {
            // A PSK proves knowledge of the key, not a name: without an expected ID any holder could claim any ID.
            throw src.error(at + ".remote-id", "required with remote-auth: psk");
        }
        List<ConfiguredProposal> proposals = new ArrayList<>();
        List<String> texts = raw.proposals() == null ? List.of(DEFAULT_IKE) : raw.proposals();
        if (texts.isEmpty()) {
            throw src.error(at + ".proposals", "must name at least one proposal, e.g. " + DEFAULT_IKE);
        }
        for (int i = 0; i < texts.size(); i++) {
            try {
                proposals.add(ConfiguredProposal.ike(texts.get(i)));
            } catch (ProposalSyntaxException e) {
                throw src.error(ConfigSource.index(at + ".proposals", i), e.getMessage());
            }
        }
        if (raw.lifetime() != null) {
            throw src.error(at + ".lifetime", "replaced by rekey-time (and over-time for the hard limit)");
        }
        IkeLifetimes lifetimes = lifetimes(src, at, raw);
        Liveness liveness = liveness(src, at, raw);
        boolean initiate = raw.initiate() != null && raw.initiate();
        if (initiate && remote == null) {
            throw src.error(at + ".initiate", "a connection to remote-address any cannot be initiated");
        }
        List<ChildConfig> children = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<YamlModel.Child> rawChildren = raw.children() == null ? List.of() : raw.children();
        for (int i = 0; i < rawChildren.size(); i++) {
            String cat = ConfigSource.index(at + ".children", i);
            ChildConfig c = ChildConfig.from(rawChildren.get(i), src, cat);
            if (!names.add(c.name())) {
                throw src.error(cat + ".name", "duplicate child name '" + c.name() + "'");
            }
            children.add(c);
        }
        return new ConnectionConfig(
                name,
                local,
                remote,
                localId,
                remoteId,
                localAuth,
                remoteAuth,
                raw.identity(),
                raw.psk(),
                proposals,
                lifetimes,
                liveness,
                initiate,
                children);
    }

    private static IkeLifetimes lifetimes(ConfigSource src, String at, YamlModel.Connection raw) {
        Duration max = Duration.ofDays(30);
        Duration rekey = Durations.zeroOr(
                src, at + ".rekey-time", raw.rekeyTime(), IkeLifetimes.DEFAULT.rekeyTime(), Duration.ofMinutes(1), max);
        Duration reauth =
                Durations.zeroOr(src, at + ".reauth-time", raw.reauthTime(), Duration.ZERO, Duration.ofMinutes(1), max);
        Duration over = raw.overTime() == null
                ? null
                : Durations.zeroOr(src, at + ".over-time", raw.overTime(), Duration.ZERO, Duration.ofSeconds(1), max);
        Duration rand = raw.randTime() == null
                ? null
                : Durations.zeroOr(src, at + ".rand-time", raw.randTime(), Duration.ZERO, Duration.ofSeconds(1), max);
        try {
            return IkeLifetimes.of(rekey, reauth, over, rand);
        } catch (IllegalArgumentException e) {
            throw src.error(at + ".rand-time", e.getMessage());
        }
    }

    private static Liveness liveness(ConfigSource src, String at, YamlModel.Connection raw) {
        Duration dpd = Durations.zeroOr(
                src, at + ".dpd-delay", raw.dpdDelay(), Duration.ZERO, Duration.ofSeconds(1), Duration.ofHours(1));
        Liveness.Action dpdAction = action(
                src,
                at + ".dpd-action",
                raw.dpdAction(),
                Liveness.Action.CLEAR,
                "clear, restart or hold",
                Liveness.Action.CLEAR,
                Liveness.Action.RESTART,
                Liveness.Action.HOLD);
        Liveness.Action closeAction = action(
                src,
                at + ".close-action",
                raw.closeAction(),
                Liveness.Action.NONE,
                "none or restart",
                Liveness.Action.NONE,
                Liveness.Action.RESTART);
        return new Liveness(dpd, dpdAction, closeAction);
    }

    private static Liveness.Action action(
            ConfigSource src,
            String at,
            String text,
            Liveness.Action dflt,
            String allowedText,
            Liveness.Action... allowed) {
        if (text == null) {
            return dflt;
        }
        for (Liveness.Action a : allowed) {
            if (a.configName().equals(text)) {
                return a;
            }
        }
        throw src.error(at, "must be " + allowedText + ", was '" + text + "'");
    }

    private static IkeIdentity identity(ConfigSource src, String at, String text) {
        try {
            return IkeIdentity.parse(text);
        } catch (IllegalArgumentException e) {
            throw src.error(at, e.getMessage());
        }
    }

    private static AuthKind kind(ConfigSource src, String at, String text) {
        return switch (text) {
            case "pubkey" -> AuthKind.PUBKEY;
            case "psk" -> AuthKind.PSK;
            default -> throw src.error(at, "must be pubkey or psk, was '" + text + "'");
        };
    }
}
