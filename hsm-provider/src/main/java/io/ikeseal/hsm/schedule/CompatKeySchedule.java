package io.ikeseal.hsm.schedule;

import static io.ikeseal.hsm.schedule.ScheduleInputs.concat;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;

/**
 * The compat tier's schedule: the key-exchange token cannot run HKDF (e.g. SoftHSM), so g^ir arrives as host
 * bytes (its SealedKey holds a SecretKeySpec, see kx) and prf/prf+ run here with the JDK's HMAC, as strongSwan's
 * pkcs11 plugin does. Keys it returns as SealedKeys hold SecretKeySpecs too. Each step still runs on the token's
 * executor and writes an audit record (mechanism {@value #MECHANISM}), so the log shows the schedule left the token.
 */
final class CompatKeySchedule extends KeyScheduleTier {
    static final String MECHANISM = "HOST_HMAC";

    CompatKeySchedule(Token token) {
        super(token, ResidencyTier.COMPAT);
    }

    @Override
    CompletableFuture<SealedKey> computeSkeyseed(Prf prf, byte[] nonces, SealedKey gir, AuditContext ctx) {
        return call("skeyseed", MECHANISM, gir, ctx, () -> {
            byte[] g = valueOf(gir);
            try {
                return hostSealed("SKEYSEED", prf, mac(prf, nonces, g));
            } finally {
                Arrays.fill(g, (byte) 0);
            }
        });
    }

    @Override
    CompletableFuture<IkeSaKeys> computeIkeSaKeys(
            Prf prf, SealedKey skeyseed, byte[] s, KeyLayout layout, AuditContext ctx) {
        return call("prf+", MECHANISM, skeyseed, ctx, () -> {
            byte[] k = bytesOf(skeyseed);
            byte[] all = prfPlus(prf, k, s, layout.totalLength());
            try {
                int h = prf.outputLength();
                SealedKey skD = hostSealed("SK_d", prf, Arrays.copyOf(all, h));
                return layout.split(skD, Arrays.copyOfRange(all, h, all.length));
            } finally {
                Arrays.fill(k, (byte) 0);
                Arrays.fill(all, (byte) 0);
            }
        });
    }

    @Override
    CompletableFuture<SealedKey> computeRekeySkeyseed(
            Prf prf, SealedKey skDOld, SealedKey girNew, byte[] nonces, AuditContext ctx) {
        return call("rekey-skeyseed", MECHANISM, skDOld, ctx, () -> {
            byte[] d = bytesOf(skDOld);
            byte[] g = valueOf(girNew);
            try {
                return hostSealed("SKEYSEED", prf, mac(prf, d, g, nonces));
            } finally {
                Arrays.fill(d, (byte) 0);
                Arrays.fill(g, (byte) 0);
            }
        });
    }

    @Override
    CompletableFuture<HostKey> computeChildKeymat(
            Prf prf, SealedKey skD, SealedKey girOrNull, byte[] nonces, int length, AuditContext ctx) {
        return call("child-keymat", MECHANISM, skD, ctx, () -> {
            byte[] d = bytesOf(skD);
            byte[] g = girOrNull == null ? new byte[0] : valueOf(girOrNull);
            byte[] s = concat(g, nonces);
            try {
                return HostKey.adopt("KEYMAT", prfPlus(prf, d, s, length));
            } finally {
                Arrays.fill(d, (byte) 0);
                Arrays.fill(g, (byte) 0);
                Arrays.fill(s, (byte) 0);
            }
        });
    }

    @Override
    CompletableFuture<byte[]> computePrf(Prf prf, SealedKey key, byte[] data, AuditContext ctx) {
        return call("prf", MECHANISM, key, ctx, () -> macUnder(prf, key, data));
    }

    @Override
    CompletableFuture<SealedKey> computeDeriveKey(Prf prf, SealedKey key, byte[] data, String name, AuditContext ctx) {
        return call("prf", MECHANISM, key, ctx, () -> hostSealed(name, prf, macUnder(prf, key, data)));
    }

    /** prf+(K, S) = T1 | T2 | ... with Tn = prf(K, T(n-1) | S | n) (RFC 7296 §2.13), truncated to length. */
    static byte[] prfPlus(Prf prf, byte[] key, byte[] s, int length) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(prf.macAlgorithm());
        mac.init(new SecretKeySpec(key, prf.macAlgorithm()));
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        for (int n = 1, off = 0; off < length; n++) {
            mac.update(t);
            mac.update(s);
            mac.update((byte) n);
            Arrays.fill(t, (byte) 0);
            t = mac.doFinal();
            System.arraycopy(t, 0, out, off, Math.min(t.length, length - off));
            off += t.length;
        }
        Arrays.fill(t, (byte) 0);
        return out;
    }

    static byte[] mac(Prf prf, byte[] key, byte[]... data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(prf.macAlgorithm());
        mac.init(new SecretKeySpec(key, prf.macAlgorithm()));
        for (byte[] d : data) {
            mac.update(d);
        }
        return mac.doFinal();
    }

    /** prf(key, data) with the key's bytes read out and wiped after. */
    private byte[] macUnder(Prf prf, SealedKey key, byte[] data) throws GeneralSecurityException {
        byte[] k = bytesOf(key);
        try {
            return mac(prf, k, data);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** Wraps derived bytes as a host-held SealedKey and wipes them. */
    private SealedKey hostSealed(String name, Prf prf, byte[] bytes) {
        try {
            return new SealedKey(token, name, new SecretKeySpec(bytes, prf.macAlgorithm()), bytes.length);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** g^ir's value at its RFC 7296 §2.14 length: any leading zero octets the key lacks put back in front. */
    private byte[] valueOf(SealedKey gir) {
        byte[] b = bytesOf(gir);
        int zeros = gir.missingLeadingZeros();
        if (zeros == 0) {
            return b;
        }
        byte[] full = new byte[zeros + b.length];
        System.arraycopy(b, 0, full, zeros, b.length);
        Arrays.fill(b, (byte) 0);
        return full;
    }

    private byte[] bytesOf(SealedKey key) {
        byte[] b = key.key().getEncoded();
        if (b == null) {
            throw new TokenException("token '" + token.name() + "' runs the key schedule at tier compat, but "
                    + key.name() + " is not readable on the host; the compat tier needs host-held inputs");
        }
        return b;
    }
}
