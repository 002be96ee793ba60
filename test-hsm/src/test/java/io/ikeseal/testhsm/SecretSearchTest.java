package io.ikeseal.testhsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search the sealing proof relies on: any 16-octet run of a secret counts, 15 do not. */
class SecretSearchTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void findsAnyRunOfSixteenOctetsAndNoShorterOne() {
        byte[] secret = random(48);
        SecretSearch s = new SecretSearch().add("s", secret);
        byte[] hay = random(1000);
        System.arraycopy(secret, 20, hay, 333, 16);
        unlikeNeighbours(hay, secret, 333, 16);
        assertEquals(Map.of("s", 333L), s.find(hay));
        byte[] shorter = random(1000);
        System.arraycopy(secret, 20, shorter, 333, 15);
        unlikeNeighbours(shorter, secret, 333, 15);
        assertEquals(Map.of(), s.find(shorter));
        assertEquals(Map.of("s", 0L), s.find(Arrays.copyOfRange(secret, 1, 48)), "trimmed of a leading octet");
        assertEquals(Map.of(), s.find(new byte[0]));
    }

    /**
     * The random octets just before and after secret[20..] copied to hay[at..] must not continue the run: with
     * chance 1/256 each they would, and the search would rightly find a longer or earlier match.
     */
    private static void unlikeNeighbours(byte[] hay, byte[] secret, int at, int length) {
        hay[at - 1] = (byte) ~secret[19];
        hay[at + length] = (byte) ~secret[20 + length];
    }

    @Test
    void namesEverySecretFoundInTheOrderAdded(@TempDir Path dir) throws Exception {
        byte[] a = random(32);
        byte[] b = random(64);
        SecretSearch s = new SecretSearch().add("a", a).add("b", b).add("c", random(20));
        byte[] hay = new byte[500];
        System.arraycopy(b, 40, hay, 10, 24);
        hay[9] = (byte) ~b[39]; // else b[39] == 0 (1 in 256) would be a match at 9
        System.arraycopy(a, 0, hay, 400, 32);
        assertEquals(List.of("a", "b"), List.copyOf(s.find(hay).keySet()));
        Path f = Files.write(dir.resolve("dump"), hay);
        assertEquals(Map.of("a", 400L, "b", 10L), s.findInFile(f));
        assertThrows(IllegalArgumentException.class, () -> s.add("short", random(15)));
        assertThrows(IllegalArgumentException.class, () -> s.add("a", random(16)));
    }

    @Test
    void traceBuffersIncludeNestedAttributesAndSkipLengthsAndScalars(@TempDir Path dir) throws Exception {
        byte[] secret = random(32);
        String hex = HexFormat.of().formatHex(secret);
        Path log = Files.writeString(dir.resolve("trace.log"), """
                1 C_GetInterface rv=0x0
                2 C_GetAttributeValue hSession=0x1 hObject=0x5 ask=[0x11:#32] values=[0x11:#32] rv=0x0
                """);
        long mark = P11TraceLog.mark(log);
        Files.writeString(
                log,
                "3 C_UnwrapKey hSession=0x1 mech=0x1 param=- wrapped=00ff template=[0x0:04000000"
                        + "00000000,0x40000211:[0x11:" + hex + ",0x2:01]] hKey=0x7 rv=0x0\n",
                java.nio.file.StandardOpenOption.APPEND);
        P11TraceLog all = P11TraceLog.read(log);
        assertEquals(3, all.calls().size());
        assertEquals(1, all.count("C_UnwrapKey"));
        P11TraceLog after = P11TraceLog.read(log, mark);
        assertEquals(
                List.of("wrapped", "template.0x0", "template.0x11", "template.0x2"),
                after.buffers().stream().map(P11TraceLog.Buffer::field).toList());
        assertEquals(Map.of("s", "#3 C_UnwrapKey template.0x11"), after.find(new SecretSearch().add("s", secret)));
        assertEquals("0x7", after.calls().getFirst().field("hKey"));
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
