package io.ikeseal.agent.exchange;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.RecordingInstaller;

/**
 * Test-only: the {@link RecordingInstaller} of a side, plus every installation in order and a hex copy of its ESP
 * keys by our inbound SPI, so a test can check that both ends derived the same KEYMAT (RFC 7296 §2.17).
 */
final class KeyedInstaller implements ChildSaInstaller {
    private final RecordingInstaller recorder;
    final List<ChildSaRecord> installs = new CopyOnWriteArrayList<>();
    private final Map<Integer, String> keys = new ConcurrentHashMap<>();

    KeyedInstaller(RecordingInstaller recorder) {
        this.recorder = recorder;
    }

    @Override
    public void install(ChildSaRecord sa, ChildSaKeys k) {
        HexFormat h = HexFormat.of();
        keys.put(
                sa.inboundSpi(),
                String.join(
                        "/",
                        h.formatHex(k.encryptionInitiator().bytes()),
                        h.formatHex(k.integrityInitiator().bytes()),
                        h.formatHex(k.encryptionResponder().bytes()),
                        h.formatHex(k.integrityResponder().bytes())));
        installs.add(sa);
        recorder.install(sa, k);
    }

    @Override
    public void remove(ChildSaRecord sa) {
        recorder.remove(sa);
    }

    /** The keys installed with our CHILD_SA of inbound SPI {@code spi}. */
    String keys(int spi) {
        return keys.get(spi);
    }
}
