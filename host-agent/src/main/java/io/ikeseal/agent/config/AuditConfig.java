package io.ikeseal.agent.config;

import java.nio.file.Path;

/**
 * The audit section.
 *
 * @param log the hash-chained audit log (io.ikeseal.hsm.audit.HashChainedAuditLog); created if missing, its
 *            directory must exist
 * @param syslog where copies of the records go besides the log (RFC 5424), or null
 */
public record AuditConfig(Path log, SyslogConfig syslog) {

    public AuditConfig(Path log) {
        this(log, null);
    }

    static AuditConfig from(YamlModel.Audit raw, ConfigSource src) {
        if (raw == null) {
            throw src.error("audit", "required (audit: { log: FILE })");
        }
        Path log = src.resolve(src.requireText("audit.log", raw.log()));
        Path dir = log.getParent();
        if (dir != null && !java.nio.file.Files.isDirectory(dir)) {
            throw src.error("audit.log", "directory not found: " + dir);
        }
        if (java.nio.file.Files.isDirectory(log)) {
            throw src.error("audit.log", "is a directory: " + log);
        }
        return new AuditConfig(log, SyslogConfig.from(raw.syslog(), src));
    }
}
