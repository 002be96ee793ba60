package io.ikeseal.agent.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.ikeseal.hsm.audit.AuditVerifier;

/** {@code ikeseal audit verify FILE}: checks the hash chain end to end. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Check an audit log's hash chain end to end (and its .head file when present). Finds edited, "
                    + "deleted, inserted and reordered records and torn lines.",
            "Cutting whole records off the end leaves a valid chain; give --anchor with a (seq, hash) you recorded "
                    + "elsewhere to catch that.",
            "Prints 'audit log OK: N records' (exit 0), then one line per recovery record (records that were "
                    + "never written) and for a missing or lagging .head file; or, on stderr, 'audit log BROKEN at "
                    + "line K: reason' (exit 1), also for a .head file that is unreadable or contradicts the log."
        })
final class AuditVerifyCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(paramLabel = "FILE", description = "The audit log (audit.log: in the configuration).")
    Path file;

    @Option(
            names = "--anchor",
            paramLabel = "SEQ:HASH",
            description = "Also require the record with sequence number SEQ to have hash HASH.")
    String anchor;

    AuditVerifyCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new UsageException("audit log not found: " + file);
        }
        AuditVerifier.Result r;
        if (anchor == null) {
            r = AuditVerifier.verify(file);
        } else {
            int colon = anchor.indexOf(':');
            long seq;
            try {
                seq = Long.parseLong(anchor.substring(0, Math.max(colon, 0)));
            } catch (NumberFormatException e) {
                seq = -1;
            }
            if (colon < 1 || seq < 1 || colon == anchor.length() - 1) {
                throw new UsageException("--anchor must be SEQ:HASH, was '" + anchor + "'");
            }
            r = AuditVerifier.verify(file, seq, anchor.substring(colon + 1));
        }
        if (r.ok()) {
            ctx.out().println("audit log OK: " + r.recordsChecked() + " records");
            for (String note : r.notes()) ctx.out().println("  " + note); // recovery records, head file state
            return ExitCode.OK;
        }
        ctx.err().println("ikeseal: audit log BROKEN at line " + r.firstBadLine() + ": " + r.reason());
        return ExitCode.FAILURE;
    }
}
