package io.ikeseal.agent.cli;

/** The command line asks for something that cannot be done as asked (exit code {@value ExitCode#USAGE}). */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
