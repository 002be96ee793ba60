package io.ikeseal.agent.config;

import java.time.Duration;

import io.ikeseal.agent.auth.SignaturePolicy;
import io.ikeseal.hsm.api.ResidencyTier;

/**
 * The {@code ike} section: ports, timers and thresholds, the residency tier every IKE SA must reach, the key share
 * pool and the responder's key share reuse.
 *
 * @param requiredTier the key-exchange tokens' tier must be at least this (compat only when written here)
 * @param keySharePool key pairs kept generated ahead per DH group in the key-exchange token (0: off; docs/tokens.md,
 *     "Key share pool")
 * @param reuseKeyShare how long a responder reuses one key share per group (zero: never; RFC 7296 §2.12,
 *     docs/tokens.md, "Reusing a responder's key share")
 * @param reuseKeyShareUses at most this many SAs per reused key share
 */
public record IkeSettingsConfig(
        int port,
        int natTPort,
        ExchangeSettings exchange,
        ResidencyTier requiredTier,
        int keySharePool,
        Duration reuseKeyShare,
        int reuseKeyShareUses) {
    /**
     * Off until an SA's audit trail names the pooled pair it used: today a pooled pair's dh-keygen record has no SA,
     * so per-SA audit tallies (the demo's, HandshakeAuditTest) would lose their key generation.
     */
    public static final int DEFAULT_KEY_SHARE_POOL = 0;

    public static final int MAX_KEY_SHARE_POOL = 1024;

    public static final int DEFAULT_REUSE_USES = 100;

    public static final IkeSettingsConfig DEFAULT = new IkeSettingsConfig(
            500,
            4500,
            ExchangeSettings.DEFAULT,
            ResidencyTier.SEALED,
            DEFAULT_KEY_SHARE_POOL,
            Duration.ZERO,
            DEFAULT_REUSE_USES);

    static IkeSettingsConfig from(YamlModel.Ike raw, ConfigSource src) {
        if (raw == null) {
            return DEFAULT;
        }
        ExchangeSettings d = ExchangeSettings.DEFAULT;
        int port = port(src, "ike.port", raw.port(), 500);
        int natT = port(src, "ike.nat-t-port", raw.natTPort(), 4500);
        if (port == natT) {
            throw src.error("ike.nat-t-port", "must differ from ike.port (" + port + ")");
        }
        Duration timeout = raw.retransmitTimeout() == null
                ? d.retransmitTimeout()
                : Durations.parse(
                        src,
                        "ike.retransmit-timeout",
                        raw.retransmitTimeout(),
                        Duration.ofMillis(50),
                        Duration.ofMinutes(1));
        double base = raw.retransmitBase() == null ? d.retransmitBase() : raw.retransmitBase();
        if (base < 1 || base > 4) {
            throw src.error("ike.retransmit-base", "must be 1..4, was " + base);
        }
        int tries = raw.retransmitTries() == null ? d.retransmitTries() : raw.retransmitTries();
        if (tries < 0 || tries > 20) {
            throw src.error("ike.retransmit-tries", "must be 0..20, was " + tries);
        }
        Duration halfOpen = raw.halfOpenTimeout() == null
                ? d.halfOpenTimeout()
                : Durations.parse(
                        src,
                        "ike.half-open-timeout",
                        raw.halfOpenTimeout(),
                        Duration.ofSeconds(1),
                        Duration.ofMinutes(10));
        int cookies = raw.cookieThreshold() == null ? d.cookieThreshold() : raw.cookieThreshold();
        if (cookies < 0 || cookies > 1_000_000) {
            throw src.error("ike.cookie-threshold", "must be 0..1000000 (0: always ask for a cookie), was " + cookies);
        }
        boolean fragmentation = raw.fragmentation() == null ? d.fragmentation() : raw.fragmentation();
        int fragmentSize = raw.fragmentSize() == null ? d.fragmentSize() : raw.fragmentSize();
        if (fragmentSize < 576 || fragmentSize > 65_535) {
            throw src.error("ike.fragment-size", "must be 576..65535 octets, was " + fragmentSize);
        }
        int window = raw.windowSize() == null ? d.windowSize() : raw.windowSize();
        if (window < 1 || window > ExchangeSettings.MAX_WINDOW_SIZE) {
            throw src.error(
                    "ike.window-size", "must be 1.." + ExchangeSettings.MAX_WINDOW_SIZE + " requests, was " + window);
        }
        ResidencyTier tier = ResidencyTier.SEALED;
        if (raw.requireTier() != null) {
            tier = switch (raw.requireTier()) {
                case "sealed" -> ResidencyTier.SEALED;
                case "compat" -> ResidencyTier.COMPAT;
                default ->
                    throw src.error("ike.require-tier", "must be sealed or compat, was '" + raw.requireTier() + "'");
            };
        }
        ExchangeSettings ex = new ExchangeSettings(
                timeout,
                base,
                tries,
                halfOpen,
                cookies,
                d.closedLinger(),
                fragmentSize,
                fragmentation,
                window,
                SignaturePolicy.DEFAULT,
                AdmissionSettings.from(raw, src),
                limits(raw, src, d.limits()));
        int pool = raw.keySharePool() == null ? DEFAULT_KEY_SHARE_POOL : raw.keySharePool();
        if (pool < 0 || pool > MAX_KEY_SHARE_POOL) {
            throw src.error(
                    "ike.key-share-pool", "must be 0.." + MAX_KEY_SHARE_POOL + " key pairs per group, was " + pool);
        }
        // §2.12 "for a short time": at most a minute.
        Duration reuse = Durations.zeroOr(
                src,
                "ike.reuse-key-share",
                raw.reuseKeyShare(),
                Duration.ZERO,
                Duration.ofMillis(1),
                Duration.ofMinutes(1));
        int uses = raw.reuseKeyShareUses() == null ? DEFAULT_REUSE_USES : raw.reuseKeyShareUses();
        if (uses < 1 || uses > 10_000) {
            throw src.error("ike.reuse-key-share-uses", "must be 1..10000 SAs per key share, was " + uses);
        }
        return new IkeSettingsConfig(port, natT, ex, tier, pool, reuse, uses);
    }

    private static SaLimits limits(YamlModel.Ike raw, ConfigSource src, SaLimits d) {
        int children = raw.childSaLimit() == null ? d.childSaLimit() : raw.childSaLimit();
        if (children < 1 || children > 10_000) {
            throw src.error("ike.child-sa-limit", "must be 1..10000 CHILD_SAs per IKE SA, was " + children);
        }
        Duration keepalive = Durations.zeroOr(
                src,
                "ike.nat-keepalive",
                raw.natKeepalive(),
                d.natKeepalive(),
                Duration.ofSeconds(1),
                Duration.ofHours(1));
        return new SaLimits(children, keepalive);
    }

    private static int port(ConfigSource src, String at, Integer value, int dflt) {
        int p = value == null ? dflt : value;
        if (p < 1 || p > 65_535) {
            throw src.error(at, "must be a UDP port 1..65535, was " + p);
        }
        return p;
    }
}
