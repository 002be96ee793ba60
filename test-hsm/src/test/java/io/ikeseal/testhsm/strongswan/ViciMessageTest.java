package io.ikeseal.testhsm.strongswan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The VICI message layer: element types, one-octet name lengths, two-octet value lengths, nesting. */
class ViciMessageTest {
    @Test
    void encodesKeysListsAndSectionsInOrder() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("id", "7");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("up", "yes");
        m.put("s0", inner);
        m.put("ts", List.of("a", "bc"));
        byte[] expected = {
            3,
            2,
            'u',
            'p',
            0,
            3,
            'y',
            'e',
            's', // KEY_VALUE up = yes
            1,
            2,
            's',
            '0', // SECTION_START s0
            3,
            2,
            'i',
            'd',
            0,
            1,
            '7', // KEY_VALUE id = 7
            2, // SECTION_END
            4,
            2,
            't',
            's', // LIST_START ts
            5,
            0,
            1,
            'a', // LIST_ITEM a
            5,
            0,
            2,
            'b',
            'c', // LIST_ITEM bc
            6 // LIST_END
        };
        assertArrayEquals(expected, ViciMessage.encode(m));
        assertEquals(m, ViciMessage.decode(ByteBuffer.wrap(expected)));
        assertEquals("7", ViciMessage.value(ViciMessage.section(m, "s0"), "id"));
    }

    @Test
    void refusesTruncatedAndUnbalancedMessages() {
        assertThrows(IllegalArgumentException.class, () -> ViciMessage.decode(ByteBuffer.wrap(new byte[] {3, 2, 'u'})));
        assertThrows(IllegalArgumentException.class, () -> ViciMessage.decode(ByteBuffer.wrap(new byte[] {1, 1, 'x'})));
        assertThrows(IllegalArgumentException.class, () -> ViciMessage.decode(ByteBuffer.wrap(new byte[] {2})));
        assertThrows(IllegalArgumentException.class, () -> ViciMessage.decode(ByteBuffer.wrap(new byte[] {9})));
    }
}
