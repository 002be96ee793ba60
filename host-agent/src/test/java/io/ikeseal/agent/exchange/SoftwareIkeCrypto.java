package io.ikeseal.agent.exchange;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Destroyable;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.IkeCrypto;
import io.ikeseal.hsm.api.IkeSaKeyInputs;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.InvalidPeerValueException;
import io.ikeseal.hsm.api.KeyShare;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.api.Secret;
import io.ikeseal.hsm.api.Urgency;

/**
 * The token port in plain JCA (SunEC ECDH, SunJCE HMAC), FOR EXCHANGE UNIT TESTS ONLY: every secret is host
 * memory here. Integration tests use real tokens. Completes every call at once, so exchanges run inline, and counts
 * the calls so a test can tell "answered from the cache" from "worked again".
 */
final class SoftwareIkeCrypto implements IkeCrypto {
    private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);
    private final Set<DhGroup> groups;
    private final Map<String, byte[]> psks = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, Set<Urgency>> urgencies = new ConcurrentHashMap<>();
    /** Every key share and secret handed out, so a test can tell whether their owners destroyed them all. */
    private final List<Destroyable> handedOut = new CopyOnWriteArrayList<>();

    private volatile String refusal;
    private volatile boolean pooled;
    private final AtomicInteger pooledShares = new AtomicInteger();

    SoftwareIkeCrypto(Set<DhGroup> groups) {
        this.groups = Set.copyOf(groups);
    }

    private volatile int pskAuthFailing;

    /** The {@code n}th pskAuth call (1 = the first) fails as a broken token would; 0 for none. */
    SoftwareIkeCrypto failPskAuthCall(int n) {
        pskAuthFailing = n;
        return this;
    }

    SoftwareIkeCrypto withPsk(String name, byte[] psk) {
        psks.put(name, psk.clone());
        return this;
    }

    /** How often {@code operation} ("generateShare", "ikeSaKeys", "childKeymat", "pskAuth") was called. */
    int calls(String operation) {
        AtomicInteger n = calls.get(operation);
        return n == null ? 0 : n.get();
    }

    /**
     * From now on (until called with null) key shares are refused before any work, as a Token refuses every call
     * while its audit log cannot be written; a refused call is not counted.
     */
    void refuseShares(String reason) {
        refusal = reason;
    }

    /** Key shares and secrets handed out and not destroyed yet (KEYMAT, SK_d and the SK_* host keys included). */
    long undestroyed() {
        return handedOut.stream().filter(d -> !d.isDestroyed()).count();
    }

    /** As a token counts them: the shares and secrets (not the host keys) handed out and not destroyed yet. */
    @Override
    public long liveObjects() {
        return handedOut.stream()
                .filter(d -> (d instanceof Share || d instanceof Bytes) && !d.isDestroyed())
                .count();
    }

    private <T extends Destroyable> T handOut(T d) {
        handedOut.add(d);
        return d;
    }

    /**
     * From now on key pairs come from {@link PooledKeyPairs} and their ECDH results are remembered: FOR THE FUZZ
     * TARGET, whose inputs would otherwise spend their time in P-256 arithmetic rather than in the exchanges.
     */
    SoftwareIkeCrypto pooledKeys() {
        pooled = true;
        return this;
    }

    private volatile CompletableFuture<Void> childKeymatGate;

    /**
     * From now on the KEYMAT of each childKeymat call is released only when the returned gate completes, and the call
     * fails with the gate's failure: a slow or failing token in the asynchronous step a test wants to interleave with.
     */
    CompletableFuture<Void> holdChildKeymat() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        childKeymatGate = gate;
        return gate;
    }

    private volatile CompletableFuture<Void> generateShareGate;

    /**
     * From now on each generateShare call completes only when the returned gate does: a token busy with key
     * generations, for a test that fills the queue of IKE_SA_INIT work.
     */
    CompletableFuture<Void> holdGenerateShare() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        generateShareGate = gate;
        return gate;
    }

    private volatile String rekeyFailure;

    /**
     * From now on (until called with null) rekeyedIkeSaKeys fails as a token whose session was reopened would: the
     * old SK_d's handle is no longer valid.
     */
    void failRekeys(String reason) {
        rekeyFailure = reason;
    }

    /** Every port operation counted so far. */
    int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private void count(String operation, AuditContext ctx) {
        calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        urgencies.computeIfAbsent(operation, k -> ConcurrentHashMap.newKeySet()).add(ctx.urgency());
    }

    /** The token queues {@code operation}'s calls asked for. */
    Set<Urgency> urgencies(String operation) {
        return Set.copyOf(urgencies.getOrDefault(operation, Set.of()));
    }

    @Override
    public String tokenName() {
        return "software";
    }

    @Override
    public ResidencyTier tier() {
        return ResidencyTier.COMPAT;
    }

    @Override
    public Set<DhGroup> dhGroups() {
        return groups;
    }

    @Override
    public void checkPeerValue(DhGroup group, byte[] data) {
        decode(group, data);
    }

    @Override
    public CompletableFuture<KeyShare> generateShare(DhGroup group, AuditContext ctx) {
        String refused = refusal;
        if (refused != null) return CompletableFuture.failedFuture(new IllegalStateException(refused));
        count("generateShare", ctx);
        CompletableFuture<Void> gate = generateShareGate;
        if (gate != null) {
            return gate.thenCompose(v -> generated(group));
        }
        return generated(group);
    }

    private CompletableFuture<KeyShare> generated(DhGroup group) {
        if (pooled) {
            return CompletableFuture.completedFuture(
                    handOut(new Share(group, PooledKeyPairs.pair(group, pooledShares.getAndIncrement()))));
        }
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
            g.initialize(new ECGenParameterSpec(group.curve()));
            return CompletableFuture.completedFuture(handOut(new Share(group, g.generateKeyPair())));
        } catch (GeneralSecurityException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<IkeSaSecrets> ikeSaKeys(
            KeyShare mine, byte[] peerKe, IkeSaKeyInputs in, AuditContext ctx) {
        count("ikeSaKeys", ctx);
        try {
            byte[] seed = prf(in.prf(), concat(in.ni(), in.nr()), agree(mine, peerKe));
            return CompletableFuture.completedFuture(handOut(split(in, seed)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<IkeSaSecrets> rekeyedIkeSaKeys(
            Secret oldSkD, Prf oldPrf, KeyShare mine, byte[] peerKe, IkeSaKeyInputs in, AuditContext ctx) {
        count("rekeyedIkeSaKeys", ctx);
        String failure = rekeyFailure;
        if (failure != null) {
            mine.destroy(); // consumed, as the port promises
            return CompletableFuture.failedFuture(new IllegalStateException(failure));
        }
        try {
            byte[] seed = prf(oldPrf, ((Bytes) oldSkD).value(), concat(agree(mine, peerKe), in.ni(), in.nr()));
            return CompletableFuture.completedFuture(handOut(split(in, seed)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<HostKey> childKeymat(
            Prf prf,
            Secret skD,
            KeyShare mineOrNull,
            byte[] peerKeOrNull,
            byte[] ni,
            byte[] nr,
            int length,
            AuditContext ctx) {
        count("childKeymat", ctx);
        byte[] s = mineOrNull == null ? concat(ni, nr) : concat(agree(mineOrNull, peerKeOrNull), ni, nr);
        HostKey keymat = handOut(HostKey.adopt("KEYMAT", prfPlus(prf, ((Bytes) skD).value(), s, length)));
        CompletableFuture<Void> gate = childKeymatGate;
        return gate == null ? CompletableFuture.completedFuture(keymat) : gate.thenApply(v -> keymat);
    }

    @Override
    public CompletableFuture<byte[]> pskAuth(String pskName, Prf prf, byte[] octets, AuditContext ctx) {
        count("pskAuth", ctx);
        if (calls("pskAuth") == pskAuthFailing) {
            return CompletableFuture.failedFuture(new IllegalStateException("token fault injected by the test"));
        }
        byte[] psk = psks.get(pskName);
        if (psk == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no pre-shared key '" + pskName + "'"));
        }
        return CompletableFuture.completedFuture(prf(prf, prf(prf, psk, KEY_PAD), octets));
    }

    // ---- RFC 7296 §2.13, §2.14 in software ------------------------------------------------------------------

    /** Each of the seven keys on its own: {@link IkeSaSecrets#isDestroyed} looks at two of them only. */
    private IkeSaSecrets handOut(IkeSaSecrets s) {
        List.of(s.skD(), s.skAi(), s.skAr(), s.skEi(), s.skEr(), s.skPi(), s.skPr())
                .forEach(this::handOut);
        return s;
    }

    private static IkeSaSecrets split(IkeSaKeyInputs in, byte[] seed) {
        int p = in.prf().outputLength();
        int a = in.integKeyLength();
        int e = in.encrKeyLength();
        byte[] k = prfPlus(in.prf(), seed, concat(in.ni(), in.nr(), in.spiI(), in.spiR()), 3 * p + 2 * a + 2 * e);
        int[] at = {0};
        return new IkeSaSecrets(
                new Bytes("SK_d", take(k, at, p)),
                host("SK_ai", k, at, a),
                host("SK_ar", k, at, a),
                host("SK_ei", k, at, e),
                host("SK_er", k, at, e),
                host("SK_pi", k, at, p),
                host("SK_pr", k, at, p));
    }

    private static HostKey host(String name, byte[] k, int[] at, int n) {
        return HostKey.adopt(name, take(k, at, n));
    }

    private static byte[] take(byte[] k, int[] at, int n) {
        byte[] b = Arrays.copyOfRange(k, at[0], at[0] + n);
        at[0] += n;
        return b;
    }

    static byte[] prf(Prf prf, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(prf.macAlgorithm(), "SunJCE");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, prf.macAlgorithm()));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] prfPlus(Prf prf, byte[] key, byte[] s, int length) {
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        for (int n = 1, at = 0; at < length; n++) {
            t = prf(prf, key, concat(t, s, new byte[] {(byte) n}));
            System.arraycopy(t, 0, out, at, Math.min(t.length, length - at));
            at += t.length;
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    // ---- ECDH (RFC 5903 §7: x | y, g^ir = x) -------------------------------------------------------------------

    private byte[] agree(KeyShare mine, byte[] peerKe) {
        Share s = (Share) mine;
        ECPublicKey peer = decode(s.group(), peerKe);
        PrivateKey key = s.take();
        return pooled ? PooledKeyPairs.agreed(s.group(), key, peerKe, () -> ecdh(key, peer)) : ecdh(key, peer);
    }

    private static byte[] ecdh(PrivateKey key, ECPublicKey peer) {
        try {
            KeyAgreement ka = KeyAgreement.getInstance("ECDH", "SunEC");
            ka.init(key);
            ka.doPhase(peer, true);
            return ka.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECPublicKey decode(DhGroup group, byte[] data) {
        int n = group.publicValueLength() / 2;
        if (data.length != 2 * n) {
            throw new InvalidPeerValueException("wrong length for " + group.proposalName(), null);
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(data, 0, n));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(data, n, 2 * n));
        try {
            AlgorithmParameters ap = AlgorithmParameters.getInstance("EC", "SunEC");
            ap.init(new ECGenParameterSpec(group.curve()));
            ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
            BigInteger p = ((ECFieldFp) spec.getCurve().getField()).getP();
            BigInteger rhs = x.pow(3)
                    .add(spec.getCurve().getA().multiply(x))
                    .add(spec.getCurve().getB())
                    .mod(p);
            if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0 || !y.pow(2).mod(p).equals(rhs)) {
                throw new InvalidPeerValueException("not on the curve of " + group.proposalName(), null);
            }
            return (ECPublicKey)
                    KeyFactory.getInstance("EC", "SunEC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), spec));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] encode(DhGroup group, ECPublicKey key) {
        int n = group.publicValueLength() / 2;
        byte[] out = new byte[2 * n];
        put(key.getW().getAffineX(), out, 0, n);
        put(key.getW().getAffineY(), out, n, n);
        return out;
    }

    private static void put(BigInteger v, byte[] out, int at, int n) {
        byte[] b = v.toByteArray();
        int skip = b.length > n ? b.length - n : 0;
        System.arraycopy(b, skip, out, at + n - (b.length - skip), b.length - skip);
    }

    /** A secret as host bytes: only this test double may look inside. */
    private static final class Bytes implements Secret {
        private final String name;
        private final byte[] value;
        private volatile boolean destroyed;

        Bytes(String name, byte[] value) {
            this.name = name;
            this.value = value;
        }

        @Override
        public String toString() {
            return name + (destroyed ? " (destroyed)" : "");
        }

        byte[] value() {
            return value;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int length() {
            return value.length;
        }

        @Override
        public void destroy() {
            Arrays.fill(value, (byte) 0);
            destroyed = true;
        }

        @Override
        public boolean isDestroyed() {
            return destroyed;
        }
    }

    private static final class Share implements KeyShare {
        private final DhGroup group;
        private final byte[] ke;
        private KeyPair pair;

        Share(DhGroup group, KeyPair pair) {
            this.group = group;
            this.pair = pair;
            this.ke = encode(group, (ECPublicKey) pair.getPublic());
        }

        java.security.PrivateKey take() {
            KeyPair p = pair;
            pair = null;
            if (p == null) {
                throw new IllegalStateException("key share used twice");
            }
            return p.getPrivate();
        }

        @Override
        public DhGroup group() {
            return group;
        }

        @Override
        public byte[] keyExchangeData() {
            return ke.clone();
        }

        @Override
        public void destroy() {
            pair = null;
        }

        @Override
        public boolean isDestroyed() {
            return pair == null;
        }
    }

    /** Names of the SK_* host keys handed out and not destroyed yet (KEYMAT left out). */
    List<String> undestroyedHostKeys() {
        return handedOut.stream()
                .filter(d ->
                        d instanceof HostKey k && !k.isDestroyed() && k.name().startsWith("SK_"))
                .map(d -> ((HostKey) d).name())
                .toList();
    }
}
