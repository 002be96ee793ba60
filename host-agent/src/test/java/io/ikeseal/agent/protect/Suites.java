package io.ikeseal.agent.protect;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.ikeseal.agent.wire.AuthenticationPayload;
import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.PayloadChain;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.VendorIdPayload;
import io.ikeseal.hsm.api.HostKey;

/** Every supported suite, random keys for them, and random inner payload chains; all from seeded Randoms. */
final class Suites {
    private Suites() {}

    static List<ProtectionSuite> all() {
        List<ProtectionSuite> out = new ArrayList<>();
        for (EncryptionAlgorithm e : EncryptionAlgorithm.values()) {
            for (int bits : e.keyLengths().stream().sorted().toList()) {
                if (e.isAead()) {
                    out.add(new ProtectionSuite(e, bits, IntegrityAlgorithm.NONE));
                } else {
                    for (IntegrityAlgorithm i : IntegrityAlgorithm.values()) {
                        if (i != IntegrityAlgorithm.NONE) {
                            out.add(new ProtectionSuite(e, bits, i));
                        }
                    }
                }
            }
        }
        return out;
    }

    static HostKey skE(ProtectionSuite s, Random r) {
        return new HostKey("SK_e", bytes(r, s.encryptionKeyLength()));
    }

    static HostKey skA(ProtectionSuite s, Random r) {
        return new HostKey("SK_a", bytes(r, s.integrityKeyLength()));
    }

    /** A bare sealing cipher and a protection that opens what it seals, all under the same random keys. */
    record Keyed(SkCipher cipher, SkProtection protection) {}

    static Keyed keyed(ProtectionSuite s, long seed) {
        Random r = new Random(seed);
        HostKey e = skE(s, r);
        HostKey a = skA(s, r);
        return new Keyed(
                s.newCipher(e, a), SkProtection.of(s.newCipher(e, a), s.newCipher(e, a), DecodeLimits.DEFAULT));
    }

    static SkProtection loopback(ProtectionSuite s, long seed) {
        return keyed(s, seed).protection();
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** 1 to {@code max} payloads of kinds whose content is free, with random lengths. */
    static List<IkePayload> randomChain(Random r, int max) {
        int n = 1 + r.nextInt(max);
        List<IkePayload> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(
                    switch (r.nextInt(6)) {
                        case 0 -> NotifyPayload.of(40960 + r.nextInt(1000), bytes(r, r.nextInt(200)));
                        case 1 -> new VendorIdPayload(bytes(r, 1 + r.nextInt(300)));
                        case 2 -> new NoncePayload(bytes(r, 16 + r.nextInt(241)));
                        case 3 -> new AuthenticationPayload(1 + r.nextInt(14), bytes(r, 1 + r.nextInt(512)));
                        case 4 -> IdentificationPayload.fqdn(PayloadType.IDI, "gw" + r.nextInt(1000) + ".example.org");
                        default -> DeletePayload.ikeSa();
                    });
        }
        return out;
    }

    /** Payload records hold arrays, so chains are compared by their encoding. */
    static String encoded(List<? extends IkePayload> chain) {
        return java.util.HexFormat.of().formatHex(PayloadChain.encode(chain));
    }
}
