package io.ikeseal.agent.exchange;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.ikeseal.hsm.api.DhGroup;

/**
 * A few fixed key pairs per group for {@link SoftwareIkeCrypto#pooledKeys()}, and the ECDH results between them,
 * computed once: a fuzz input then costs what the exchange engine does with it, not what P-256 arithmetic costs.
 * Only agreements between two pool keys are remembered, so values the fuzzer makes up cannot grow the table.
 */
final class PooledKeyPairs {
    static final int SIZE = 4;

    private static final Map<DhGroup, List<KeyPair>> PAIRS = new ConcurrentHashMap<>();
    private static final Map<String, byte[]> AGREED = new ConcurrentHashMap<>();

    private PooledKeyPairs() {}

    static KeyPair pair(DhGroup group, int n) {
        return PAIRS.computeIfAbsent(group, PooledKeyPairs::generate).get(Math.floorMod(n, SIZE));
    }

    /** ECDH of pool key {@code mine} with {@code peerKe}: remembered when {@code peerKe} is a pool key's too. */
    static byte[] agreed(DhGroup group, PrivateKey mine, byte[] peerKe, Supplier<byte[]> compute) {
        List<KeyPair> pairs = PAIRS.getOrDefault(group, List.of());
        int i = -1;
        int j = -1;
        for (int k = 0; k < pairs.size(); k++) {
            if (pairs.get(k).getPrivate() == mine) {
                i = k;
            }
            if (ByteBuffer.wrap(SoftwareIkeCrypto.encode(
                            group, (ECPublicKey) pairs.get(k).getPublic()))
                    .equals(ByteBuffer.wrap(peerKe))) {
                j = k;
            }
        }
        if (i < 0 || j < 0) {
            return compute.get();
        }
        return AGREED.computeIfAbsent(group + " " + i + " " + j, k -> compute.get())
                .clone();
    }

    private static List<KeyPair> generate(DhGroup group) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
            g.initialize(new ECGenParameterSpec(group.curve()));
            List<KeyPair> out = new ArrayList<>();
            for (int k = 0; k < SIZE; k++) {
                out.add(g.generateKeyPair());
            }
            return List.copyOf(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
