package io.ikeseal.agent.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.ikeseal.hsm.api.DhGroup;

/** The codec's own length table must say exactly what the token layer's DhGroup says, group for group. */
class KeyExchangeDataLengthTest {

    @Test
    void sameGroupsNamesAndLengthsAsDhGroup() {
        Map<Integer, String> wire = Arrays.stream(KeyExchangeDataLength.values())
                .collect(Collectors.toMap(
                        KeyExchangeDataLength::dhGroup,
                        l -> l.groupName() + "/" + l.octets(),
                        (a, b) -> a,
                        TreeMap::new));
        Map<Integer, String> token = Arrays.stream(DhGroup.values())
                .collect(Collectors.toMap(
                        DhGroup::id, g -> g.proposalName() + "/" + g.publicValueLength(), (a, b) -> a, TreeMap::new));
        assertEquals(token, wire);
    }

    @Test
    void unknownGroupHasNoLength() {
        assertTrue(KeyExchangeDataLength.of(1234).isEmpty());
        assertTrue(KeyExchangeDataLength.of(2).isEmpty(), "modp1024 is not served");
        assertEquals(64, KeyExchangeDataLength.of(19).orElseThrow().octets());
    }
}
