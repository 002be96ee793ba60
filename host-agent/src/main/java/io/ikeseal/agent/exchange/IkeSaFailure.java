package io.ikeseal.agent.exchange;

/** An IKE SA that could not be established: the message names the peer's error notification or our failed check. */
public final class IkeSaFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IkeSaFailure(String reason) {
        super(reason, null, false, false);
    }
}
