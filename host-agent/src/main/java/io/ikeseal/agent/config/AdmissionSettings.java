package io.ikeseal.agent.config;

/**
 * Who may start an IKE SA with us, decided before any token work (RFC 7296 §2.6, RFC 8019 §4). Half-open SAs are
 * counted globally, per source address and per prefix (/24 IPv4, /64 IPv6: one host or subscriber usually holds
 * such a prefix). Past a cookie threshold the requests of that source, prefix or everyone must return our COOKIE;
 * past a limit they are dropped unanswered. Error answers (COOKIE, NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD) and
 * their log lines are rate-limited per source and in total, since their source address may be forged.
 *
 * @param halfOpenLimit         half-open SAs in all beyond which new requests are dropped, cookie or not
 * @param sourceCookieThreshold half-open SAs of one address beyond which its requests need a COOKIE
 * @param sourceLimit           half-open SAs of one address beyond which its requests are dropped
 * @param prefixCookieThreshold half-open SAs of one prefix beyond which its requests need a COOKIE
 * @param prefixLimit           half-open SAs of one prefix beyond which its requests are dropped
 * @param refusalsPerSource     unprotected error answers per second to one address (also its burst)
 * @param refusals              unprotected error answers per second in all (also the burst)
 */
public record AdmissionSettings(
        int halfOpenLimit,
        int sourceCookieThreshold,
        int sourceLimit,
        int prefixCookieThreshold,
        int prefixLimit,
        int refusalsPerSource,
        int refusals) {
    /**
     * strongSwan's charon asks one address for cookies from 3 half-open SAs and blocks it at 5 (cookie_threshold_ip,
     * block_threshold); a prefix gets four times that. The global limit is twenty times the default global cookie
     * threshold, as before.
     */
    public static final AdmissionSettings DEFAULT = new AdmissionSettings(400, 3, 5, 12, 20, 10, 1000);

    public AdmissionSettings {
        if (halfOpenLimit < 1
                || sourceCookieThreshold < 0
                || sourceLimit < 1
                || prefixCookieThreshold < 0
                || prefixLimit < sourceLimit
                || refusalsPerSource < 1
                || refusals < refusalsPerSource) {
            throw new IllegalArgumentException("admission settings out of range");
        }
    }

    /** The {@code ike.*} admission keys, each checked on its own, then against each other. */
    static AdmissionSettings from(YamlModel.Ike raw, ConfigSource src) {
        AdmissionSettings d = DEFAULT;
        int global = count(src, "ike.half-open-limit", raw.halfOpenLimit(), d.halfOpenLimit(), 1);
        int sourceCookies =
                count(src, "ike.source-cookie-threshold", raw.sourceCookieThreshold(), d.sourceCookieThreshold(), 0);
        int source = count(src, "ike.source-half-open-limit", raw.sourceHalfOpenLimit(), d.sourceLimit(), 1);
        int prefixCookies =
                count(src, "ike.prefix-cookie-threshold", raw.prefixCookieThreshold(), d.prefixCookieThreshold(), 0);
        int prefix = count(src, "ike.prefix-half-open-limit", raw.prefixHalfOpenLimit(), d.prefixLimit(), 1);
        if (prefix < source) {
            throw src.error(
                    "ike.prefix-half-open-limit",
                    "must be at least ike.source-half-open-limit (" + source + "), was " + prefix);
        }
        int perSource = count(src, "ike.refusals-per-source", raw.refusalsPerSource(), d.refusalsPerSource(), 1);
        int all = count(src, "ike.refusals-per-second", raw.refusalsPerSecond(), d.refusals(), 1);
        if (all < perSource) {
            throw src.error(
                    "ike.refusals-per-second",
                    "must be at least ike.refusals-per-source (" + perSource + "), was " + all);
        }
        return new AdmissionSettings(global, sourceCookies, source, prefixCookies, prefix, perSource, all);
    }

    private static int count(ConfigSource src, String key, Integer value, int dflt, int min) {
        int n = value == null ? dflt : value;
        if (n < min || n > 1_000_000) {
            throw src.error(key, "must be " + min + "..1000000, was " + n);
        }
        return n;
    }
}
