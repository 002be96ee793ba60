package io.ikeseal.agent.protect;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.EncryptedPayload;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.WiresharkCaptures;
import io.ikeseal.hsm.api.HostKey;

/**
 * An encrypted IKE_AUTH request end to end, as the daemon handles one: received (outer decode, integrity check,
 * decryption, inner decode of IDi, N, IDr, AUTH, SA, TSi, TSr, N, N) and sent (inner encode, sealing, outer
 * encode), with the published keys of Wireshark's AES-256-GCM-16 and AES-256-CBC/HMAC-SHA2-256-128 captures (frame
 * 3 of each). Messages per second and, with {@code -prof gc}, bytes allocated per message. Run by
 * {@code scripts/bench-codec}; compiled, never run, by {@code ./check}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EncryptedIkeAuthBenchmark {
    @Param({"ikev2-decrypt-aes256gcm16", "ikev2-decrypt-aes256cbc"})
    public String capture;

    private byte[] raw;
    private SkProtection protection;
    private IkeMessage opened;
    private List<IkePayload> inner;

    @Setup
    public void load() throws Exception {
        raw = WiresharkCaptures.frame(capture, 3);
        IkeMessage sealed = IkeMessageCodec.decode(raw);
        WiresharkCaptures.Keys k =
                WiresharkCaptures.keys(String.format("%016x", sealed.header().initiatorSpi()));
        ProtectionSuite suite =
                capture.endsWith("gcm16") ? ProtectionSuite.of(20, 256, 0) : ProtectionSuite.of(12, 256, 12);
        HostKey e = new HostKey("SK_ei", k.skEi());
        HostKey a = new HostKey("SK_ai", k.skAi());
        // The initiator's keys both ways: what it sends we open, and what we seal is that request again.
        protection = SkProtection.of(suite.newCipher(e, a), suite.newCipher(e, a), DecodeLimits.DEFAULT);
        opened = protection.unprotect(sealed, raw);
        inner = opened.payloads();
        if (inner.stream().anyMatch(p -> p instanceof EncryptedPayload)) {
            throw new IllegalStateException("frame 3 did not open");
        }
    }

    @Benchmark
    public IkeMessage receive() throws MalformedMessageException, IntegrityException {
        return protection.unprotect(IkeMessageCodec.decode(raw), raw);
    }

    @Benchmark
    public byte[] send() {
        return protection.protect(opened.header(), inner);
    }
}
