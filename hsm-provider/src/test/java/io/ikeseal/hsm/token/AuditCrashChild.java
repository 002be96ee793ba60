package io.ikeseal.hsm.token;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ikeseal.hsm.TestTokens;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.HashChainedAuditLog;
import io.ikeseal.testhsm.NssToken;

/**
 * The process {@link AuditCrashTest} kills: opens the audit log and a throw-away NSS token, says "ready", then runs
 * token calls from several threads, each on behalf of one of eight SAs, and after each one waits for the audit
 * barrier and only then says "acted KEY" on stdout, as the transport sends a datagram only after it. Runs until
 * killed (bounded: a few minutes at most).
 */
public final class AuditCrashChild {
    static final int THREADS = 4;
    private static final long MAX_RUN_MS = 180_000;

    private AuditCrashChild() {}

    public static void main(String[] args) throws Exception {
        Path log = Path.of(args[0]);
        Path tokens = Path.of(args[1]);
        String run = args[2];
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        HashChainedAuditLog audit = HashChainedAuditLog.open(log);
        NssToken nss = NssToken.create(tokens, "crash" + run);
        Token t = TestTokens.nss(nss, audit, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);
        out.println("ready");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_RUN_MS);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < THREADS; w++) {
            int worker = w;
            threads.add(Thread.ofPlatform().start(() -> {
                for (long i = 0; System.nanoTime() < deadline; i++) {
                    String spi = HexFormat.of().toHexDigits(worker * 2L + (i & 1) + 1);
                    String key = "r" + run + "-w" + worker + "-" + i;
                    Token.await(t.call(
                            new TokenOperation("crash-probe", "CKM_VENDOR_DEFINED", key),
                            new AuditContext(spi, null, "192.0.2.1:500"),
                            () -> t.liveObjects().count()));
                    try {
                        audit.barrier(spi).get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        out.println("barrier failed " + key + ": " + e);
                        return;
                    }
                    out.println("acted " + key);
                }
            }));
        }
        for (Thread th : threads) th.join();
    }
}
