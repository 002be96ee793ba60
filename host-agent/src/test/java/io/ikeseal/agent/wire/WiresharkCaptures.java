package io.ikeseal.agent.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The IKE messages of Wireshark's IKEv2 decryption test captures and their decryption table (public test data of
 * the Wireshark project, test/captures/ikev2-decrypt-*.pcap and test/config/ikev2_decryption_table.tmpl), kept as
 * hex in test resources.
 */
public final class WiresharkCaptures {
    /** One frame: its number in the capture and its UDP payload. */
    public record Frame(int number, byte[] message) {}

    /** One row of the decryption table: SPIs, SK_ei, SK_er, cipher name, SK_ai, SK_ar, integrity name. */
    public record Keys(
            String spiI,
            String spiR,
            byte[] skEi,
            byte[] skEr,
            String cipher,
            byte[] skAi,
            byte[] skAr,
            String integrity) {}

    private static final Map<String, List<Frame>> CAPTURES = loadCaptures();
    private static final List<Keys> KEYS = loadKeys();

    private WiresharkCaptures() {}

    /** Capture name (e.g. "ikev2-decrypt-aes256gcm16") to frames, in file order. */
    public static Map<String, List<Frame>> all() {
        return CAPTURES;
    }

    public static byte[] frame(String capture, int number) {
        for (Frame f : CAPTURES.get(capture)) {
            if (f.number() == number) {
                return f.message().clone();
            }
        }
        throw new IllegalArgumentException(capture + " has no frame " + number);
    }

    public static Keys keys(String spiI) {
        for (Keys k : KEYS) {
            if (k.spiI().equals(spiI)) {
                return k;
            }
        }
        throw new IllegalArgumentException("no keys for SPIi " + spiI);
    }

    private static Map<String, List<Frame>> loadCaptures() {
        Map<String, List<Frame>> out = new LinkedHashMap<>();
        List<Frame> current = null;
        for (String line : lines("/wireshark/ikev2-decrypt-captures.txt")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split(" ", -1);
            if (f[0].equals("capture")) {
                current = new ArrayList<>();
                out.put(f[1], current);
            } else {
                current.add(new Frame(Integer.parseInt(f[0]), HexFormat.of().parseHex(f[3])));
            }
        }
        return out;
    }

    private static List<Keys> loadKeys() {
        List<Keys> out = new ArrayList<>();
        for (String line : lines("/wireshark/ikev2_decryption_table.csv")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",", -1);
            out.add(new Keys(f[0], f[1], hex(f[2]), hex(f[3]), unquote(f[4]), hex(f[5]), hex(f[6]), unquote(f[7])));
        }
        return out;
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static String unquote(String s) {
        return s.replace("\"", "");
    }

    private static List<String> lines(String resource) {
        try (InputStream in = WiresharkCaptures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .lines()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
