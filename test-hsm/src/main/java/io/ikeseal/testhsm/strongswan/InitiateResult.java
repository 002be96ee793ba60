package io.ikeseal.testhsm.strongswan;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outcome of {@code swanctl --initiate}: success, or the error charon reported, e.g.
 * "establishing CHILD_SA 'net' failed" with notify errors such as NO_PROPOSAL_CHOSEN.
 *
 * @param output charon's log lines (level 1) that swanctl streamed while waiting, then its errors
 */
public record InitiateResult(boolean success, String error, String output) {
    private static final Pattern NOTIFY_ERROR = Pattern.compile("received (\\S+) notify error");
    private static final Pattern FAILED = Pattern.compile("(?m)^initiate failed: (.*)$");

    static InitiateResult of(SwanctlResult r) {
        if (r.ok()) {
            return new InitiateResult(true, "", r.output());
        }
        Matcher m = FAILED.matcher(r.output());
        String error = m.find() ? m.group(1).strip() : r.output().strip();
        return new InitiateResult(false, error, r.output());
    }

    /** The notify error types charon received from the peer, e.g. [NO_PROPOSAL_CHOSEN]. */
    public List<String> notifyErrors() {
        return NOTIFY_ERROR.matcher(output).results().map(m -> m.group(1)).toList();
    }

    /** This result when it succeeded; otherwise an exception with charon's error and output. */
    public InitiateResult orThrow() {
        if (!success) {
            throw new IllegalStateException("charon could not initiate: " + error + "\n" + output.strip());
        }
        return this;
    }
}
