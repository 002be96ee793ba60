package io.ikeseal.hsm.sign;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.List;

import javax.crypto.Cipher;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.TestTokens;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.NssToken;
import io.ikeseal.testhsm.SoftHsmToken;

/**
 * Verifications per second of the peer's AUTH signature math, one thread, by who does it: SunEC / SunRsaSign /
 * SunJCE (the JDK), BouncyCastle's provider, and a token's C_Verify / C_Encrypt through SunPKCS11 (NSS softoken,
 * SoftHSM), the public key imported into the token once as a session object. The host side of each path is what
 * {@link SignatureVerifier} would do around it (hash on the host where the token gets CKM_ECDSA / CKM_RSA_X_509).
 * Then the whole {@link SignatureVerifier#check} as shipped, per scheme. Run with {@code scripts/bench-verify}.
 */
public final class VerifyThroughput {
    /** Calls before measuring: enough for C2 to compile SunEC's field arithmetic. */
    private static final int WARMUP = 5_000;

    private VerifyThroughput() {}

    private interface Verify {
        boolean run() throws Exception;
    }

    private record Case(String what, String engine, Verify op) {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        byte[] octets = new byte[700]; // about an IKE_SA_INIT message plus Nr and prf(SK_p, ID')
        for (int i = 0; i < octets.length; i++) {
            octets[i] = (byte) i;
        }
        KeyPair p256 = ec("secp256r1");
        KeyPair p384 = ec("secp384r1");
        KeyPairGenerator rg = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        rg.initialize(2048);
        KeyPair rsa = rg.generateKeyPair();
        byte[] s256 = sign("SHA256withECDSAinP1363Format", "SunEC", p256, octets, null);
        byte[] s384 = sign("SHA384withECDSAinP1363Format", "SunEC", p384, octets, null);
        byte[] pkcs1 = sign("SHA256withRSA", "SunRsaSign", rsa, octets, null);
        PSSParameterSpec pss = SignatureScheme.RSA_PSS_SHA256.pssParameters();
        byte[] pssSig = sign("RSASSA-PSS", "SunRsaSign", rsa, octets, pss);

        Provider bc = new BouncyCastleProvider();
        List<Case> cases = new ArrayList<>();
        addHost(cases, "SunEC", "SunRsaSign", "SunJCE", p256, p384, rsa, s256, s384, pkcs1, pssSig, octets);
        addHost(
                cases,
                bc.getName(),
                bc.getName(),
                bc.getName(),
                p256,
                p384,
                rsa,
                s256,
                s384,
                pkcs1,
                pssSig,
                octets,
                bc);

        // BC keeps precomputed multiples of the peer's point on its key object: a key met for the first time pays more
        cases.add(new Case("ECDSA P-256 SHA-256", "BC new key per call", () -> {
            PublicKey k = KeyFactory.getInstance("EC", bc)
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(
                            p256.getPublic().getEncoded()));
            return verify("SHA256withPLAIN-ECDSA", bc, null, k, octets, s256, null);
        }));
        Path dir = Files.createTempDirectory("verify-throughput");
        MemoryAuditSink audit = TestTokens.memoryAudit();
        try (NssToken nss = NssToken.create(dir, "verify");
                SoftHsmToken hsm = SoftHsmToken.create(dir, "verify");
                Token nssToken = TestTokens.nss(nss, audit, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);
                Token hsmToken = TestTokens.softHsm(hsm, audit, ResidencyTier.SEALED, TokenRole.IDENTITY)) {
            for (Token t : List.of(nssToken, hsmToken)) {
                addToken(cases, t.name(), t.provider(), p256, p384, rsa, s256, s384, pkcs1, pssSig, octets);
            }
            // one warm-up pass over every case first: engines share code (BC's field arithmetic, SHA-256), which
            // the JIT would otherwise have compiled better for the later rows than for the earlier ones
            for (Case c : cases) {
                try {
                    rate(seconds / 2, c.op());
                } catch (Exception e) {
                    // reported in the measuring pass
                }
            }
            System.out.printf("%-26s %-22s %12s%n", "operation", "engine", "verify/cpu-s");
            for (Case c : cases) {
                try {
                    if (!c.op().run()) {
                        System.out.printf("%-26s %-22s %12s%n", c.what(), c.engine(), "WRONG RESULT");
                        continue;
                    }
                    System.out.printf("%-26s %-22s %12.0f%n", c.what(), c.engine(), rate(seconds, c.op()));
                } catch (Exception e) {
                    System.out.printf("%-26s %-22s %12s%n", c.what(), c.engine(), "n/a: " + e);
                }
            }
            System.out.printf("%nSignatureVerifier, ECDSA by a token's C_Verify%n");
            for (Token t : List.of(nssToken, hsmToken)) {
                SignatureVerifier v = SignatureVerifier.using(
                        new TokenEcdsa(t, java.util.Set.of(KeyType.EC_P256), TokenEcdsa.DEFAULT_CAPACITY));
                Verify op = () -> v.checkAuth(AuthMethod.ECDSA_SHA256_P256, p256.getPublic(), octets, s256)
                        .valid();
                System.out.printf(
                        "%-26s %-22s %12.0f%n", "ECDSA_P256_SHA256 (9)", t.name(), op.run() ? rate(seconds, op) : -1);
            }
        }
        System.out.printf("%nSignatureVerifier.check as built (host)%n");
        check(seconds, "ECDSA_P256_SHA256 (9)", AuthMethod.ECDSA_SHA256_P256, p256.getPublic(), octets, s256);
        check(seconds, "ECDSA_P384_SHA384 (10)", AuthMethod.ECDSA_SHA384_P384, p384.getPublic(), octets, s384);
        check(
                seconds,
                "RSA_PKCS1_SHA256 (14)",
                AuthMethod.DIGITAL_SIGNATURE,
                rsa.getPublic(),
                octets,
                auth14(SignatureScheme.RSA_PKCS1_SHA256, pkcs1));
        check(
                seconds,
                "RSA_PSS_SHA256 (14)",
                AuthMethod.DIGITAL_SIGNATURE,
                rsa.getPublic(),
                octets,
                auth14(SignatureScheme.RSA_PSS_SHA256, pssSig));
        check(
                seconds,
                "ECDSA_SHA256 (14, DER)",
                AuthMethod.DIGITAL_SIGNATURE,
                p256.getPublic(),
                octets,
                auth14(SignatureScheme.ECDSA_SHA256, EcdsaSignatureEncoding.rawToDer(s256)));
    }

    private static void check(double seconds, String name, AuthMethod m, PublicKey k, byte[] octets, byte[] auth)
            throws Exception {
        Verify op = () -> SignatureVerifier.verify(m, k, octets, auth);
        System.out.printf("%-26s %-22s %12.0f%n", name, "SignatureVerifier", op.run() ? rate(seconds, op) : -1);
    }

    private static byte[] auth14(SignatureScheme s, byte[] sig) {
        byte[] id = s.algorithmIdentifier();
        byte[] out = new byte[1 + id.length + sig.length];
        out[0] = (byte) id.length;
        System.arraycopy(id, 0, out, 1, id.length);
        System.arraycopy(sig, 0, out, 1 + id.length, sig.length);
        return out;
    }

    private static void addHost(
            List<Case> cases,
            String ecName,
            String rsaName,
            String cipherName,
            KeyPair p256,
            KeyPair p384,
            KeyPair rsa,
            byte[] s256,
            byte[] s384,
            byte[] pkcs1,
            byte[] pss,
            byte[] octets,
            Provider... bc) {
        Provider p = bc.length > 0 ? bc[0] : null;
        String ecdsa = p != null ? "withPLAIN-ECDSA" : "withECDSAinP1363Format";
        cases.add(new Case(
                "ECDSA P-256 SHA-256",
                ecName,
                () -> verify("SHA256" + ecdsa, p, ecName, p256.getPublic(), octets, s256, null)));
        cases.add(new Case(
                "ECDSA P-384 SHA-384",
                ecName,
                () -> verify("SHA384" + ecdsa, p, ecName, p384.getPublic(), octets, s384, null)));
        cases.add(
                new Case("RSA-2048 PKCS#1 raw s^e", cipherName, () -> pkcs1Raw(p, cipherName, rsa.getPublic(), pkcs1)));
        cases.add(new Case(
                "RSA-2048 PSS SHA-256",
                rsaName,
                () -> verify(
                        "RSASSA-PSS",
                        p,
                        rsaName,
                        rsa.getPublic(),
                        octets,
                        pss,
                        SignatureScheme.RSA_PSS_SHA256.pssParameters())));
    }

    /** The token's cases: the public key goes in once (translateKey: a session object), as a cache would hold it. */
    private static void addToken(
            List<Case> cases,
            String name,
            Provider p,
            KeyPair p256,
            KeyPair p384,
            KeyPair rsa,
            byte[] s256,
            byte[] s384,
            byte[] pkcs1,
            byte[] pss,
            byte[] octets) {
        PublicKey k256 = translate(p, "EC", p256.getPublic());
        PublicKey k384 = translate(p, "EC", p384.getPublic());
        PublicKey kRsa = translate(p, "RSA", rsa.getPublic());
        cases.add(new Case(
                "ECDSA P-256 SHA-256", name + " CKM_ECDSA", () -> tokenEcdsa(p, k256, "SHA-256", octets, s256)));
        cases.add(new Case(
                "ECDSA P-384 SHA-384", name + " CKM_ECDSA", () -> tokenEcdsa(p, k384, "SHA-384", octets, s384)));
        cases.add(new Case(
                "ECDSA P-256 SHA-256",
                name + " key per call",
                () -> tokenEcdsa(p, p256.getPublic(), "SHA-256", octets, s256)));
        cases.add(new Case("RSA-2048 PKCS#1 raw s^e", name + " CKM_RSA_X_509", () -> pkcs1Raw(p, null, kRsa, pkcs1)));
        cases.add(new Case(
                "RSA-2048 PSS SHA-256",
                name,
                () -> verify(
                        "SHA256withRSASSA-PSS",
                        p,
                        null,
                        kRsa,
                        octets,
                        pss,
                        SignatureScheme.RSA_PSS_SHA256.pssParameters())));
    }

    private static PublicKey translate(Provider p, String alg, PublicKey k) {
        try {
            return (PublicKey) KeyFactory.getInstance(alg, p).translateKey(k);
        } catch (Exception e) {
            System.out.printf("%s cannot import a %s public key: %s%n", p.getName(), alg, e);
            return k;
        }
    }

    private static boolean tokenEcdsa(Provider p, PublicKey k, String hash, byte[] octets, byte[] rs) throws Exception {
        byte[] h = MessageDigest.getInstance(hash, "SUN").digest(octets);
        Signature v = Signature.getInstance("NONEwithECDSAinP1363Format", p);
        v.initVerify(k);
        v.update(h);
        return v.verify(rs);
    }

    private static boolean verify(
            String alg, Provider p, String name, PublicKey k, byte[] octets, byte[] sig, PSSParameterSpec pss)
            throws Exception {
        Signature v = p != null ? Signature.getInstance(alg, p) : Signature.getInstance(alg, name);
        if (pss != null && alg.equals("RSASSA-PSS")) {
            v.setParameter(pss);
        }
        v.initVerify(k);
        if (pss != null && !alg.equals("RSASSA-PSS")) {
            v.setParameter(pss);
        }
        v.update(octets);
        return v.verify(sig);
    }

    /** s^e mod n, all k octets, as SignatureVerifier then compares with the expected EMSA-PKCS1-v1_5 block. */
    private static boolean pkcs1Raw(Provider p, String name, PublicKey k, byte[] sig) throws Exception {
        Cipher c =
                p != null ? Cipher.getInstance("RSA/ECB/NoPadding", p) : Cipher.getInstance("RSA/ECB/NoPadding", name);
        c.init(Cipher.ENCRYPT_MODE, k);
        byte[] m = c.doFinal(sig);
        return m.length == sig.length && m[0] == 0 && m[1] == 1;
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    private static byte[] sign(String alg, String provider, KeyPair k, byte[] octets, PSSParameterSpec pss)
            throws Exception {
        Signature s = Signature.getInstance(alg, provider);
        s.initSign(k.getPrivate());
        if (pss != null) {
            s.setParameter(pss);
        }
        s.update(octets);
        return s.sign();
    }

    /**
     * Verifications per second of this thread's CPU time (the token libraries run in the calling thread, so their
     * work counts too), which other processes on a busy machine disturb far less than wall time. Warmed up first
     * so that the JIT has compiled the provider's arithmetic, as it has in a running daemon.
     */
    private static double rate(double seconds, Verify op) throws Exception {
        long warm = System.nanoTime() + (long) (5 * seconds * 1e9);
        for (int i = 0; i < WARMUP && System.nanoTime() < warm; i++) {
            op.run();
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long cpu0 = mx.getCurrentThreadCpuTime();
        int n = 0;
        while (System.nanoTime() < end) {
            if (!op.run()) {
                throw new IllegalStateException("did not verify");
            }
            n++;
        }
        return n / ((mx.getCurrentThreadCpuTime() - cpu0) / 1e9);
    }
}
