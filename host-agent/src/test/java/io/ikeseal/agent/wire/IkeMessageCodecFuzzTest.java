package io.ikeseal.agent.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target: {@link IkeMessageCodec#decode(byte[])} on arbitrary octets, as a datagram from anyone on the network
 * reaches it. The decoder may refuse with {@link MalformedMessageException} and nothing else; a message it accepts
 * must pass {@link FuzzOracle}: encode, and decode and encode again to the same octets. Any other exception or a
 * broken round trip is a finding.
 *
 * <p>Seeds are the IKE messages of Wireshark's IKEv2 captures and one message per payload type. Run by
 * {@code ./check} (regression mode over the seeds and the committed inputs in {@code IkeMessageCodecFuzzTestInputs/},
 * then fuzzing for a bounded time) and by {@code scripts/fuzz decoder SECONDS}.
 */
class IkeMessageCodecFuzzTest {
    /** Octet offset of the header's Length field (RFC 7296 §3.1). */
    private static final int LENGTH_OFFSET = 24;

    /** Fixed, so the seeds are the same in every run. */
    private static final long SEED = 0x5EED;

    static Stream<Arguments> seeds() {
        Stream<byte[]> captured =
                WiresharkCaptures.all().values().stream().flatMap(List::stream).map(WiresharkCaptures.Frame::message);
        // Past IKE_SA_INIT the captures are sealed, so IDi, AUTH, TSi, CP and the like never appear in the clear:
        // one small message per payload type gives the fuzzer every payload decoder to start from.
        RandomPayloads random = new RandomPayloads(SEED);
        List<IkePayload> payloads = new ArrayList<>(random.oneOfEach());
        payloads.add(random.sk());
        payloads.add(random.skf());
        IkeHeader header = IkeHeader.of(SEED, ~SEED, ExchangeType.IKE_AUTH, true, false, 1);
        Stream<byte[]> built = payloads.stream().map(p -> new IkeMessage(header, List.of(p)).encode());
        return Stream.concat(captured, built).map(m -> Arguments.of((Object) m));
    }

    @MethodSource("seeds")
    @FuzzTest
    void decode(byte[] datagram) {
        FuzzOracle.decode(datagram);
        // Nearly every mutation that changes the size ends at the §3.1 Length check; the same octets with a
        // correct Length let the fuzzer reach the payload chain at any size.
        if (datagram.length >= IkeHeader.LENGTH) {
            byte[] fixed = withHeaderLength(datagram);
            if (!Arrays.equals(fixed, datagram)) {
                FuzzOracle.decode(fixed);
            }
        }
    }

    private static byte[] withHeaderLength(byte[] datagram) {
        byte[] fixed = datagram.clone();
        new WireWriter(fixed, LENGTH_OFFSET).u32(fixed.length);
        return fixed;
    }
}
