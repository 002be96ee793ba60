package io.ikeseal.agent.esp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.protect.EncryptionAlgorithm;
import io.ikeseal.agent.protect.IntegrityAlgorithm;
import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.hsm.api.HostKey;

/** Every ChildSuite the daemon negotiates, and keys and halves for them. */
final class EspSuites {
    private EspSuites() {}

    static List<ChildSuite> all() {
        List<ChildSuite> suites = new ArrayList<>();
        for (boolean esn : new boolean[] {false, true}) {
            for (EncryptionAlgorithm e : EncryptionAlgorithm.values()) {
                for (int bits : e.keyLengths().stream().sorted().toList()) {
                    if (e.isAead()) {
                        suites.add(new ChildSuite(new ProtectionSuite(e, bits, IntegrityAlgorithm.NONE), null, esn));
                        continue;
                    }
                    for (IntegrityAlgorithm i : IntegrityAlgorithm.values()) {
                        if (i != IntegrityAlgorithm.NONE) {
                            suites.add(new ChildSuite(new ProtectionSuite(e, bits, i), null, esn));
                        }
                    }
                }
            }
        }
        return suites;
    }

    static ChildSuite gcm256(boolean esn) {
        return new ChildSuite(ProtectionSuite.of(20, 256, 0), null, esn);
    }

    /** Both halves of one direction under the same random keys. */
    record Pair(EspSealer sealer, EspOpener opener, byte[] encryption, byte[] integrity) {}

    static Pair pair(ChildSuite suite, long seed, int spi, int window) {
        Random random = new Random(seed);
        byte[] e = new byte[suite.protection().encryptionKeyLength()];
        byte[] a = new byte[suite.protection().integrityKeyLength()];
        random.nextBytes(e);
        random.nextBytes(a);
        HostKey ek = new HostKey("KEYMAT e", e);
        HostKey ak = new HostKey("KEYMAT a", a);
        try {
            return new Pair(
                    EspTransforms.sealer(suite, ek, ak, spi), EspTransforms.opener(suite, ek, ak, spi, window), e, a);
        } finally {
            ek.destroy();
            ak.destroy();
        }
    }

    /** A transform under the pair's keys: tests seal crafted plaintext (bad padding, bad Next Header) with it. */
    static EspTransform transform(ChildSuite suite, Pair pair) {
        return EspTransforms.transform(
                suite, new HostKey("KEYMAT e", pair.encryption()), new HostKey("KEYMAT a", pair.integrity()));
    }

    /** An ESP packet with {@code pt} (padding and trailer included, as the caller made them) under {@code t}. */
    static byte[] craft(EspTransform t, int spi, long seq, byte[] pt) {
        byte[] packet = new byte[pt.length + t.maxOverhead() + 64];
        EspTransform.putInt(packet, 0, spi);
        EspTransform.putInt(packet, 4, (int) seq);
        int n = t.seal(packet, seq, pt.clone(), pt.length);
        return Arrays.copyOf(packet, n);
    }

    /** A well-formed IPv4 header and payload of {@code length} octets: the inner packets of the tests. */
    static byte[] inner(Random random, int length) {
        byte[] p = new byte[length];
        random.nextBytes(p);
        if (length > 0) {
            p[0] = 0x45;
        }
        return p;
    }
}
