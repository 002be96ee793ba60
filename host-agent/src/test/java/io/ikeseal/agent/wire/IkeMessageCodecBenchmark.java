package io.ikeseal.agent.wire;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Messages per second and bytes allocated per message ({@code -prof gc}, {@code gc.alloc.rate.norm}) of the wire
 * codec, on the first messages of Wireshark's AES-256-GCM-16 capture: frame 1, a typical IKE_SA_INIT request (SA,
 * KE of group 19, Ni, NAT-D source and destination, SIGNATURE_HASH_ALGORITHMS), and frame 3, an IKE_AUTH request as
 * it arrives, whose outer decode stops at the still-sealed SK payload. Run by {@code scripts/bench-codec}; compiled,
 * never run, by {@code ./check}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IkeMessageCodecBenchmark {
    private static final String CAPTURE = "ikev2-decrypt-aes256gcm16";

    private byte[] ikeSaInit;
    private byte[] sealedIkeAuth;
    private IkeMessage ikeSaInitMessage;
    private IkeMessage sealedIkeAuthMessage;

    @Setup
    public void load() throws MalformedMessageException {
        ikeSaInit = WiresharkCaptures.frame(CAPTURE, 1);
        sealedIkeAuth = WiresharkCaptures.frame(CAPTURE, 3);
        ikeSaInitMessage = IkeMessageCodec.decode(ikeSaInit);
        sealedIkeAuthMessage = IkeMessageCodec.decode(sealedIkeAuth);
    }

    @Benchmark
    public IkeMessage decodeIkeSaInit() throws MalformedMessageException {
        return IkeMessageCodec.decode(ikeSaInit);
    }

    @Benchmark
    public byte[] encodeIkeSaInit() {
        return IkeMessageCodec.encode(ikeSaInitMessage);
    }

    @Benchmark
    public IkeMessage decodeSealedIkeAuth() throws MalformedMessageException {
        return IkeMessageCodec.decode(sealedIkeAuth);
    }

    @Benchmark
    public byte[] encodeSealedIkeAuth() {
        return IkeMessageCodec.encode(sealedIkeAuthMessage);
    }
}
