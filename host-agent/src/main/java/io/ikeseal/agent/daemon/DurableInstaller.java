package io.ikeseal.agent.daemon;

import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.hsm.audit.AuditException;
import io.ikeseal.hsm.audit.AuditSink;

/**
 * The installer the daemon hands the exchanges: a CHILD_SA reaches the data plane only once the audit records of the
 * token work it came from (its KEYMAT, the IKE SA's keys, the peer's authentication) are durable, because once it
 * carries traffic that work was acted upon (docs/audit.md). {@link #install} is synchronous and its keys are destroyed
 * when it returns, so it waits for the barrier here, on the SA's executor, for at most one group commit in the usual
 * case; a barrier that fails (or takes longer than {@value #WAIT_SECONDS} s) fails the install the usual way: the
 * CHILD_SA is not installed and its keys go.
 */
final class DurableInstaller implements ChildSaInstaller {
    static final long WAIT_SECONDS = 10;

    private final ChildSaInstaller installer;
    private final AuditSink audit;

    DurableInstaller(ChildSaInstaller installer, AuditSink audit) {
        this.installer = installer;
        this.audit = audit;
    }

    @Override
    public void install(ChildSaRecord sa, ChildSaKeys keys) {
        try {
            audit.barrier(HexFormat.of().toHexDigits(sa.ikeSpiI())).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AuditException(
                    "CHILD_SA not installed: its audit records are not durable: "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new AuditException(
                    "CHILD_SA not installed: its audit records were not durable within " + WAIT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("CHILD_SA not installed: interrupted waiting for its audit records");
        }
        installer.install(sa, keys);
    }

    @Override
    public void remove(ChildSaRecord sa) {
        installer.remove(sa);
    }

    @Override
    public ChildSaTraffic traffic(ChildSaRecord sa) {
        return installer.traffic(sa);
    }
}
