package io.ikeseal.agent.metrics;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A failed IKE SA's reason text (SaEvents.ikeSaFailed) as one of a few metric label values, so that the series stay
 * few whatever the text says. The texts come from the exchanges: a notification name first when the peer sent one or
 * we refused with one (e.g. {@code AUTHENTICATION_FAILED: ...}, {@code NO_PROPOSAL_CHOSEN from the responder}),
 * otherwise a description of our check.
 */
public final class FailureReasons {
    /** The notifications an IKE_SA_INIT or IKE_AUTH can fail with (RFC 7296 §3.10.1), lower case. */
    static final List<String> NOTIFICATIONS = List.of(
            "authentication_failed",
            "no_proposal_chosen",
            "invalid_ke_payload",
            "invalid_syntax",
            "unsupported_critical_payload",
            "ts_unacceptable",
            "single_pair_required",
            "internal_address_failure",
            "failed_cp_required",
            "temporary_failure",
            "no_additional_sas",
            "invalid_major_version",
            "invalid_message_id",
            "invalid_spi",
            "invalid_ike_spi");

    private static final Pattern LEADING_NAME = Pattern.compile("^([A-Z][A-Z0-9_]+)\\b.*", Pattern.DOTALL);

    private FailureReasons() {}

    /**
     * The label: a notification name in lower case, or {@code timeout}, {@code half_open_timeout}, {@code token},
     * {@code cookie}, {@code malformed}, {@code invalid_response}, {@code stopping}, or {@code other}.
     */
    public static String of(String reason) {
        if (reason == null) return "other";
        var m = LEADING_NAME.matcher(reason);
        if (m.matches()) {
            String n = m.group(1).toLowerCase(Locale.ROOT);
            if (NOTIFICATIONS.contains(n)) return n;
        }
        if (reason.startsWith("no answer to")) return "timeout";
        if (reason.startsWith("half-open for")) return "half_open_timeout";
        if (reason.startsWith("our AUTH failed")
                || reason.startsWith("token ")
                || reason.startsWith("DH key pair")
                || reason.startsWith("key exchange with")) return "token";
        if (reason.contains("COOKIE")) return "cookie";
        if (reason.startsWith("malformed") || reason.contains(" without ")) return "malformed";
        if (reason.startsWith("the responder") || reason.startsWith("Nr shorter")) return "invalid_response";
        if (reason.contains("stopping")) return "stopping";
        return "other";
    }
}
