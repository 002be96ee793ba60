package io.ikeseal.agent.cli;

import picocli.CommandLine.Command;

/** {@code ikeseal audit ...}: the hash-chained audit log of token operations. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Check the hash-chained audit log of token operations.",
        subcommands = {AuditVerifyCommand.class})
final class AuditCommand {}
