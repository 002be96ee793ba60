package io.ikeseal.testhsm.strongswan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.ikeseal.testhsm.NetNamespace;

/**
 * How to start a {@link Charon}. Immutable; each {@code with...} returns a changed copy.
 * Defaults: free high ports, the {@link #BASE_PLUGINS}, 16 worker threads, retransmissions after
 * 1 s, 1.4 s, 1.96 s (giving up after about 4.4 s), DoS thresholds out of the way, 15 s to start.
 */
public final class CharonOptions {
    /**
     * The plugins every charon loads (load_modular = no, so nothing else): crypto through openssl
     * (ECDSA, RSA incl. PSS, MODP/ECP), curve25519 and chapoly for X25519 and ChaCha20-Poly1305,
     * credentials from PEM/PKCS#1/PKCS#8/X.509 files, vici for swanctl, kernel-libipsec for
     * CHILD_SAs in user space (this kernel has no ESP) and kernel-netlink, without which charon
     * does not start.
     */
    public static final List<String> BASE_PLUGINS = List.of(
            "random",
            "nonce",
            "openssl",
            "pem",
            "pkcs1",
            "pkcs8",
            "x509",
            "pubkey",
            "revocation",
            "constraints",
            "curve25519",
            "chapoly",
            "mgf1",
            "sha2",
            "hmac",
            "gcm",
            "aes",
            "kdf",
            "vici",
            "socket-default",
            "kernel-libipsec",
            "kernel-netlink",
            "updown");

    private final int ikePort;
    private final int natTPort;
    private final List<String> extraPlugins;
    private final Map<String, String> environment;
    private final int threads;
    private final Duration retransmitTimeout;
    private final double retransmitBase;
    private final int retransmitTries;
    private final int cookieThreshold;
    private final int keyLogLevel;
    private final String extraSettings;
    private final Duration startTimeout;
    private final NetNamespace namespace; // null: on the host's loopback

    private CharonOptions(
            int ikePort,
            int natTPort,
            List<String> extraPlugins,
            Map<String, String> environment,
            int threads,
            Duration retransmitTimeout,
            double retransmitBase,
            int retransmitTries,
            int cookieThreshold,
            int keyLogLevel,
            String extraSettings,
            Duration startTimeout,
            NetNamespace namespace) {
        this.ikePort = ikePort;
        this.natTPort = natTPort;
        this.extraPlugins = List.copyOf(extraPlugins);
        this.environment = Map.copyOf(environment);
        this.threads = threads;
        this.retransmitTimeout = retransmitTimeout;
        this.retransmitBase = retransmitBase;
        this.retransmitTries = retransmitTries;
        this.cookieThreshold = cookieThreshold;
        this.keyLogLevel = keyLogLevel;
        this.extraSettings = extraSettings;
        this.startTimeout = startTimeout;
        this.namespace = namespace;
    }

    public static CharonOptions defaults() {
        return new CharonOptions(
                0,
                0,
                List.of(),
                Map.of(),
                16,
                Duration.ofSeconds(1),
                1.4,
                2,
                100_000,
                4,
                "",
                Duration.ofSeconds(15),
                null);
    }

    /** Fixed ports for IKE and for NAT-T (port_nat_t); 0 and 0 picks free ones (the default). */
    public CharonOptions withPorts(int ike, int natT) {
        if (ike < 0
                || natT < 0
                || ike > 65535
                || natT > 65535
                || (ike == 0) != (natT == 0)
                || (ike != 0 && ike == natT)) {
            throw new IllegalArgumentException(
                    "give two different ports, or 0 and 0 for free ones: " + ike + ", " + natT);
        }
        return new CharonOptions(
                ike,
                natT,
                extraPlugins,
                environment,
                threads,
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                cookieThreshold,
                keyLogLevel,
                extraSettings,
                startTimeout,
                namespace);
    }

    /** Loads these plugins too, e.g. "pkcs11" (then configure it with {@link #withSettings}). */
    public CharonOptions withPlugins(String... plugins) {
        List<String> all = new ArrayList<>(extraPlugins);
        all.addAll(List.of(plugins));
        return new CharonOptions(
                ikePort,
                natTPort,
                all,
                environment,
                threads,
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                cookieThreshold,
                keyLogLevel,
                extraSettings,
                startTimeout,
                namespace);
    }

    /** Extra environment for the charon process, e.g. a token's SOFTHSM2_CONF. */
    public CharonOptions withEnvironment(Map<String, String> env) {
        Map<String, String> all = new LinkedHashMap<>(environment);
        all.putAll(env);
        return new CharonOptions(
                ikePort,
                natTPort,
                extraPlugins,
                all,
                threads,
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                cookieThreshold,
                keyLogLevel,
                extraSettings,
                startTimeout,
                namespace);
    }

    /** Retransmission: first after timeout, then each base times longer, tries times, then give up. */
    public CharonOptions withRetransmit(Duration timeout, double base, int tries) {
        if (timeout.isNegative() || timeout.isZero() || base < 1 || tries < 0 || tries > 10) {
            throw new IllegalArgumentException("retransmit timeout > 0, base >= 1, 0..10 tries");
        }
        return new CharonOptions(
                ikePort,
                natTPort,
                extraPlugins,
                environment,
                threads,
                timeout,
                base,
                tries,
                cookieThreshold,
                keyLogLevel,
                extraSettings,
                startTimeout,
                namespace);
    }

    /**
     * Half-open IKE_SAs (in total and per peer address) before charon demands COOKIEs; the default
     * is out of the way so loopback tests may run many handshakes. Blocking is kept above it.
     */
    public CharonOptions withCookieThreshold(int halfOpen) {
        if (halfOpen < 0) {
            throw new IllegalArgumentException("cookie threshold must be >= 0");
        }
        return new CharonOptions(
                ikePort,
                natTPort,
                extraPlugins,
                environment,
                threads,
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                halfOpen,
                keyLogLevel,
                extraSettings,
                startTimeout,
                namespace);
    }

    /**
     * Worker threads (default 16). Nine are always busy with this plugin list (receiver, sender,
     * scheduler, watcher, kernel-libipsec, netlink...): with 8, charon never answers on vici.
     */
    public CharonOptions withThreads(int n) {
        if (n < 12 || n > 64) {
            throw new IllegalArgumentException("charon needs 12..64 worker threads, not " + n);
        }
        return new CharonOptions(
                ikePort,
                natTPort,
                extraPlugins,
                environment,
                n,
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                cookieThreshold,
                keyLogLevel,
                extraSettings,
                startTimeout,
                namespace);
    }

    /**
     * Log level of ike and chd in charon.log: 4 (default) dumps the derived keys that {@link
     * CharonKeys} parses; 1 or 2 when a test runs so many handshakes that the log would matter.
     */
    public CharonOptions withKeyLogLevel(int level) {
        if (level < -1 || level > 4) {
            throw new IllegalArgumentException("log level -1..4");
        }
        return new CharonOptions(
                ikePort,
                natTPort,
                extraPlugins,
                environment,
                threads,
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                cookieThreshold,
                level,
                extraSettings,
                startTimeout,
                namespace);
    }

    /**
     * strongswan.conf text placed last inside the {@code charon-systemd { }} section, e.g.
     * {@code "plugins { pkcs11 { modules { ... } } }"}; a key set here again wins.
     */
    public CharonOptions withSettings(String charonSettings) {
        return new CharonOptions(
                ikePort,
                natTPort,
                extraPlugins,
                environment,
                threads,
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                cookieThreshold,
                keyLogLevel,
                extraSettings + charonSettings + "\n",
                startTimeout,
                namespace);
    }

    public CharonOptions withStartTimeout(Duration timeout) {
        return new CharonOptions(
                ikePort,
                natTPort,
                extraPlugins,
                environment,
                threads,
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                cookieThreshold,
                keyLogLevel,
                extraSettings,
                timeout,
                namespace);
    }

    /** 0 = pick a free one. */
    public int ikePort() {
        return ikePort;
    }

    public int natTPort() {
        return natTPort;
    }

    /** {@link #BASE_PLUGINS} and the extra ones, without duplicates. */
    public List<String> plugins() {
        List<String> all = new ArrayList<>(BASE_PLUGINS);
        extraPlugins.stream().filter(p -> !all.contains(p)).forEach(all::add);
        return List.copyOf(all);
    }

    public Map<String, String> environment() {
        return environment;
    }

    public int threads() {
        return threads;
    }

    public Duration retransmitTimeout() {
        return retransmitTimeout;
    }

    public double retransmitBase() {
        return retransmitBase;
    }

    public int retransmitTries() {
        return retransmitTries;
    }

    /** How long charon keeps retransmitting one request before it gives up. */
    public Duration retransmitGiveUp() {
        double seconds = 0;
        for (int i = 0; i <= retransmitTries; i++) {
            seconds += retransmitTimeout.toMillis() / 1000.0 * Math.pow(retransmitBase, i);
        }
        return Duration.ofMillis((long) Math.ceil(seconds * 1000));
    }

    public int cookieThreshold() {
        return cookieThreshold;
    }

    public int keyLogLevel() {
        return keyLogLevel;
    }

    public String extraSettings() {
        return extraSettings;
    }

    public Duration startTimeout() {
        return startTimeout;
    }

    /**
     * Runs charon inside {@code ns} ({@code ip netns exec}) as a gateway that carries traffic: kernel-libipsec's own
     * TUN ({@code ipsec0}) with routes to the remote traffic selectors installed (table 220, as strongSwan does by
     * default), all the namespace's interfaces usable, and IKE on 500 / NAT-T on 4500 unless {@link #withPorts} says
     * otherwise. The vici socket stays a file, so swanctl reaches it from outside the namespace.
     */
    public CharonOptions inNamespace(NetNamespace ns) {
        return new CharonOptions(
                ikePort,
                natTPort,
                extraPlugins,
                environment,
                threads,
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                cookieThreshold,
                keyLogLevel,
                extraSettings,
                startTimeout,
                Objects.requireNonNull(ns, "ns"));
    }

    /** The namespace charon runs in; empty: the host's loopback, nothing installed. */
    public Optional<NetNamespace> namespace() {
        return Optional.ofNullable(namespace);
    }
}
