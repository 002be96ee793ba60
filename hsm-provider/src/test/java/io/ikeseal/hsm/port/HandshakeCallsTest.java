package io.ikeseal.hsm.port;

import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.TestTokens;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.IkeSaKeyInputs;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.KeyShare;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.hsm.token.TokenSpec;
import io.ikeseal.testhsm.P11Trace;
import io.ikeseal.testhsm.P11TraceLog;
import io.ikeseal.testhsm.junit.NssExtension;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * PKCS#11 calls one end of an IKE SA makes on the key-exchange token per handshake (issue 12; docs/key-schedule.md,
 * "Calls per handshake"), counted by function with p11trace: the ECDH key pair, g^ir, SKEYSEED, the IKE SA keys, the
 * first CHILD_SA's KEYMAT and, with a PSK, the AUTH payload we send and the one we check (RFC 7296 §2.15). Both ends
 * make the same calls (only the nonce and octet contents differ), so each handshake runs the initiator's then the
 * responder's side on one token and counts them apart. Objects the calls create are counted as the C_DestroyObject
 * each costs later, when SunPKCS11's cleaner drops them. Sealed tier on NSS softoken, compat tier on SoftHSM
 * (certificates only: PSKs need the sealed tier). Prints the table; {@code scripts/p11-calls} runs just this.
 */
class HandshakeCallsTest {
    /**
     * Upper bounds per handshake and end, destroys included, a little above the direct binding's 29, 35 and 9 (48, 54
     * and 11 through SunPKCS11); see docs/key-schedule.md for what each call is.
     */
    static final int SEALED_CERT_BOUND = 31;

    static final int SEALED_PSK_BOUND = 37;
    static final int COMPAT_CERT_BOUND = 10;

    private static final int WARM_UP = 3;
    private static final int HANDSHAKES = 8;
    private static final String PSK = "calls";
    private static final AuditContext CTX = new AuditContext("0123456789abcdef", "fedcba9876543210", "192.0.2.7");
    private static final SecureRandom RANDOM = new SecureRandom();

    @RegisterExtension
    static final NssExtension nss = NssExtension.traced().withName("calls");

    @RegisterExtension
    static final SoftHsmExtension softHsm = SoftHsmExtension.create().withLabel("calls");

    private static Token sealed;
    private static Token compat;
    private static Path compatTrace;
    /** Set for the last handshake with -Dikeseal.calls.lines=true: print its calls, hex strings cut. */
    private static boolean dumpLines;

    @BeforeAll
    static void open() {
        sealed = TestTokens.nss(nss.token(), TestTokens.memoryAudit(), ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);
        byte[] psk = new byte[32];
        RANDOM.nextBytes(psk);
        await(PresharedKeys.importPsk(sealed, PSK, psk, true));
        // SoftHSM behind its own copy of p11trace (one loaded copy per log, as NssToken does).
        Path dir = softHsm.token().dir();
        compatTrace = dir.resolve("p11trace.log");
        Path module = dir.resolve("p11trace-calls.so");
        try {
            Files.copy(P11Trace.library(), module);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TokenSpec base = TestTokens.softHsmSpec(softHsm.token(), ResidencyTier.COMPAT, TokenRole.KEY_EXCHANGE);
        Map<String, String> env = new TreeMap<>(softHsm.token().environment());
        env.putAll(P11Trace.environment(softHsm.token().library(), compatTrace));
        compat = TestTokens.open(
                new TokenSpec(
                        base.name(),
                        module,
                        base.slot(),
                        base.pin(),
                        base.nssArgs(),
                        env,
                        Set.of(TokenRole.KEY_EXCHANGE),
                        ResidencyTier.COMPAT,
                        base.threads()),
                TestTokens.memoryAudit());
    }

    @AfterAll
    static void close() {
        if (sealed != null) {
            sealed.close();
        }
        if (compat != null) {
            compat.close();
        }
    }

    @Test
    void sealedCertificateHandshake() {
        assertBound("sealed, certificates (NSS)", sealed, nss.token().traceLog(), false, SEALED_CERT_BOUND);
    }

    @Test
    void sealedPskHandshake() {
        assertBound("sealed, PSK (NSS)", sealed, nss.token().traceLog(), true, SEALED_PSK_BOUND);
    }

    @Test
    void compatCertificateHandshake() {
        assertBound("compat, certificates (SoftHSM)", compat, compatTrace, false, COMPAT_CERT_BOUND);
    }

    private static void assertBound(String what, Token token, Path log, boolean psk, int bound) {
        Calls calls = measure(token, log, psk);
        System.out.print(calls.table(what));
        for (Role r : Role.values()) {
            double perHandshake = calls.total(r) / (double) HANDSHAKES;
            assertTrue(
                    perHandshake <= bound,
                    what + ", " + r + ": " + perHandshake + " calls per handshake, bound " + bound + "\n"
                            + calls.table(what));
        }
    }

    enum Role {
        INITIATOR,
        RESPONDER
    }

    /** Calls by function and role over {@link #HANDSHAKES} handshakes; "(destroy later)" counts created objects. */
    record Calls(Map<String, long[]> byFunction) {
        long total(Role r) {
            return byFunction.values().stream()
                    .mapToLong(c -> c[r == Role.INITIATOR ? 0 : 1])
                    .sum();
        }

        void add(Role r, P11TraceLog trace) {
            int i = r == Role.INITIATOR ? 0 : 1;
            for (P11TraceLog.Call c : trace.calls()) {
                byFunction.computeIfAbsent(c.function(), f -> new long[2])[i]++;
            }
            long created = NativeDestroyTest.outstanding(trace).created();
            byFunction.computeIfAbsent("(C_DestroyObject later)", f -> new long[2])[i] += created;
            // A destroy the cleaner ran during this role's calls was counted above for the role that made it.
            long destroyed = trace.count("C_DestroyObject");
            byFunction.computeIfAbsent("C_DestroyObject", f -> new long[2])[i] -= destroyed;
        }

        String table(String what) {
            StringBuilder b = new StringBuilder();
            b.append(String.format("%nPKCS#11 calls per handshake, %s (mean of %d)%n", what, HANDSHAKES));
            b.append(String.format("%-26s %10s %10s%n", "function", "initiator", "responder"));
            byFunction.forEach((f, c) -> {
                if (c[0] != 0 || c[1] != 0) {
                    b.append(String.format(
                            "%-26s %10.1f %10.1f%n", f, c[0] / (double) HANDSHAKES, c[1] / (double) HANDSHAKES));
                }
            });
            b.append(String.format(
                    "%-26s %10.1f %10.1f%n",
                    "total", total(Role.INITIATOR) / (double) HANDSHAKES, total(Role.RESPONDER) / (double) HANDSHAKES));
            return b.toString();
        }
    }

    private static Calls measure(Token token, Path log, boolean psk) {
        TokenIkeCrypto c = TokenIkeCrypto.of(token);
        Calls calls = new Calls(new TreeMap<>());
        for (int n = 0; n < WARM_UP + HANDSHAKES; n++) {
            dumpLines = n == WARM_UP + HANDSHAKES - 1 && Boolean.getBoolean("ikeseal.calls.lines");
            handshake(c, log, psk, n < WARM_UP ? null : calls);
        }
        return calls;
    }

    /**
     * One IKE SA with its first CHILD_SA, as the exchanges drive the port: each end makes its share, computes the
     * IKE SA keys and KEYMAT, and with a PSK computes its own AUTH and the one it expects from the peer.
     */
    private static void handshake(TokenIkeCrypto c, Path log, boolean psk, Calls into) {
        byte[] ni = random(32);
        byte[] nr = random(32);
        IkeSaKeyInputs in = new IkeSaKeyInputs(
                Prf.HMAC_SHA2_256,
                ni,
                nr,
                IkeSaKeyInputs.spi(RANDOM.nextLong()),
                IkeSaKeyInputs.spi(RANDOM.nextLong()),
                0,
                36);
        KeyShare i = counted(into, Role.INITIATOR, log, () -> await(c.generateShare(DhGroup.ECP_256, CTX)));
        KeyShare r = counted(into, Role.RESPONDER, log, () -> await(c.generateShare(DhGroup.ECP_256, CTX)));
        byte[] iKe = i.keyExchangeData();
        byte[] rKe = r.keyExchangeData();
        IkeSaSecrets a = counted(into, Role.INITIATOR, log, () -> side(c, i, rKe, in, psk));
        IkeSaSecrets b = counted(into, Role.RESPONDER, log, () -> side(c, r, iKe, in, psk));
        a.destroy();
        b.destroy();
    }

    /** Runs {@code step} and adds the calls it made to {@code into} (null: a warm-up, not counted). */
    private static <T> T counted(Calls into, Role role, Path log, java.util.function.Supplier<T> step) {
        long mark = P11TraceLog.mark(log);
        T result = step.get();
        if (into != null) {
            P11TraceLog calls = P11TraceLog.read(log, mark);
            into.add(role, calls);
            if (dumpLines) {
                calls.calls().forEach(c -> System.out.println(role + " " + abbreviated(c.line())));
            }
        }
        return result;
    }

    private static IkeSaSecrets side(TokenIkeCrypto c, KeyShare mine, byte[] peerKe, IkeSaKeyInputs in, boolean psk) {
        IkeSaSecrets keys = await(c.ikeSaKeys(mine, peerKe, in, CTX));
        await(c.childKeymat(in.prf(), keys.skD(), null, null, in.ni(), in.nr(), 2 * 36, CTX))
                .destroy();
        if (psk) {
            await(c.pskAuth(PSK, in.prf(), random(200), CTX));
            await(c.pskAuth(PSK, in.prf(), random(200), CTX));
        }
        return keys;
    }

    /** A trace line with long hex strings cut, for reading which call is which. */
    private static String abbreviated(String line) {
        return line.replaceAll("([0-9a-f]{16})[0-9a-f]{8,}", "$1..");
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
