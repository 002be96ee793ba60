package io.ikeseal.hsm.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import org.junit.jupiter.api.Test;

class OctetsTest {
    @Test
    void comparesByContentAndPrintsOnlyTheLength() {
        assertEquals(new Octets(new byte[] {1, 2}), new Octets(new byte[] {1, 2}));
        assertEquals(new Octets(new byte[] {1, 2}).hashCode(), new Octets(new byte[] {1, 2}).hashCode());
        assertNotEquals(new Octets(new byte[] {1, 2}), new Octets(new byte[] {2, 1}));
        assertEquals(false, new Octets(new byte[] {7, 7, 7}).toString().contains("7"));
    }

    @Test
    void concatenatesInOrderIntoANewArray() {
        byte[] a = {1, 2};
        byte[] out = Octets.concat(a, new byte[0], new byte[] {3});
        assertArrayEquals(new byte[] {1, 2, 3}, out);
        assertNotSame(a, Octets.concat(a));
        assertArrayEquals(new byte[0], Octets.concat());
    }
}
