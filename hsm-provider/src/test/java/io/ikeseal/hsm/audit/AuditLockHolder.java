package io.ikeseal.hsm.audit;

import java.io.IOException;
import java.nio.file.Path;

/** Child process for the cross-process lock test: opens the log, says so, holds it until stdin closes. */
public final class AuditLockHolder {
    private AuditLockHolder() {}

    public static void main(String[] args) throws IOException {
        HashChainedAuditLog log = HashChainedAuditLog.open(Path.of(args[0]));
        try {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() != -1) {
                // hold the lock until the parent closes our stdin (or dies)
            }
        } finally {
            log.close();
        }
    }
}
