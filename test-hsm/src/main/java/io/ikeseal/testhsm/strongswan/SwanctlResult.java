package io.ikeseal.testhsm.strongswan;

import java.util.List;

/** What one swanctl run printed and returned. swanctl streams charon's log lines to stdout, errors to stderr. */
public record SwanctlResult(List<String> command, int exitCode, String stdout, String stderr) {
    public SwanctlResult {
        command = List.copyOf(command);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** stdout, then stderr. */
    public String output() {
        return stdout + (stderr.isEmpty() ? "" : (stdout.isEmpty() || stdout.endsWith("\n") ? "" : "\n") + stderr);
    }

    /** This result when the exit code is 0; otherwise an exception carrying the command and its output. */
    public SwanctlResult orThrow() {
        if (!ok()) {
            throw new IllegalStateException(
                    String.join(" ", command) + " failed with exit code " + exitCode + ":\n" + output().strip());
        }
        return this;
    }
}
