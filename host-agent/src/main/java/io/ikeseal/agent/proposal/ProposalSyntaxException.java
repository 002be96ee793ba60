package io.ikeseal.agent.proposal;

/** A proposal string that does not parse; the message names the offending token and why. */
public final class ProposalSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ProposalSyntaxException(String message) {
        super(message);
    }
}
