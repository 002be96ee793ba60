package io.ikeseal.hsm.sign;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.TestTokens;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.SoftHsmToken;
import io.ikeseal.testhsm.TestCa;

/**
 * Signatures per second per scheme on a SoftHSM identity token, through the whole audited TokenSigner path
 * (one at a time, and 8 in flight on the token's 2 threads), plus software verification for comparison.
 * Run: java [surefire argLine flags] -cp <test classpath> io.ikeseal.hsm.sign.SignThroughput [seconds-per-case]
 */
public final class SignThroughput {
    private SignThroughput() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.5;
        Path dir = Files.createTempDirectory("sign-throughput");
        try (SoftHsmToken hsm = SoftHsmToken.create(dir, "bench")) {
            String[] aliases = {"ec256", "ec384", "ec521", "rsa2048", "rsa3072"};
            KeyKind[] kinds = {KeyKind.EC_P256, KeyKind.EC_P384, KeyKind.EC_P521, KeyKind.RSA_2048, KeyKind.RSA_3072};
            for (int i = 0; i < aliases.length; i++) {
                hsm.generateIdentity(aliases[i], kinds[i], TestCa.shared(), "CN=" + aliases[i], java.util.List.of());
            }
            MemoryAuditSink audit = TestTokens.memoryAudit();
            try (Token token = TestTokens.softHsm(hsm, audit, ResidencyTier.SEALED, TokenRole.IDENTITY)) {
                byte[] octets = new byte[700]; // about an IKE_SA_INIT message plus Nr and prf(SK_p, ID')
                System.out.printf(
                        "%-20s %-8s %12s %14s %12s%n", "scheme", "key", "sign/s (1)", "sign/s (8 fly)", "verify/s");
                for (SignatureScheme s : SignatureScheme.values()) {
                    for (String alias : aliases) {
                        TokenIdentity id = TokenIdentity.find(token, alias);
                        if (!s.fits(id.keyType())
                                || (s.method() == AuthMethod.DIGITAL_SIGNATURE
                                        && s.family() == SignatureScheme.Family.ECDSA
                                        && !naturalCurve(s, id.keyType()))) {
                            continue;
                        }
                        double one =
                                rate(seconds, () -> Token.await(TokenSigner.sign(id, s, octets, AuditContext.NONE)));
                        double fly = pipelined(seconds, id, s, octets);
                        byte[] auth = Token.await(TokenSigner.sign(id, s, octets, AuditContext.NONE));
                        PublicKey pub = id.certificate().getPublicKey();
                        double ver = rate(seconds, () -> {
                            if (!SignatureVerifier.verify(s.method(), pub, octets, auth)) {
                                throw new IllegalStateException("did not verify");
                            }
                        });
                        System.out.printf("%-20s %-8s %12.0f %14.0f %12.0f%n", s, alias, one, fly, ver);
                        audit.clear();
                    }
                }
            }
        }
    }

    private static boolean naturalCurve(SignatureScheme s, KeyType k) {
        return switch (s.hash()) {
            case SHA2_256 -> k == KeyType.EC_P256;
            case SHA2_384 -> k == KeyType.EC_P384;
            case SHA2_512 -> k == KeyType.EC_P521;
            case SHA1 -> false;
        };
    }

    private static double rate(double seconds, Runnable op) {
        for (int i = 0; i < 20; i++) {
            op.run();
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long t0 = System.nanoTime();
        int n = 0;
        while (System.nanoTime() < end) {
            op.run();
            n++;
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static double pipelined(double seconds, TokenIdentity id, SignatureScheme s, byte[] octets) {
        Deque<CompletableFuture<byte[]>> inFlight = new ArrayDeque<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long t0 = System.nanoTime();
        int n = 0;
        while (System.nanoTime() < end) {
            while (inFlight.size() < 8) {
                inFlight.add(TokenSigner.sign(id, s, octets, AuditContext.NONE));
            }
            Token.await(inFlight.poll());
            n++;
        }
        while (!inFlight.isEmpty()) {
            Token.await(inFlight.poll());
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}
