package io.ikeseal.agent.cli;

/** Exit codes of every ikeseal command. */
public final class ExitCode {
    /** Done. */
    public static final int OK = 0;
    /**
     * The command ran but failed: a token cannot serve its role or could not be opened, the audit log is
     * broken, a token operation failed.
     */
    public static final int FAILURE = 1;
    /** Bad command line or configuration: nothing was attempted. */
    public static final int USAGE = 2;

    private ExitCode() {}
}
