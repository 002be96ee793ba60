package io.ikeseal.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** run's status line names the live SAs and the live token objects per token, in the tokens' order. */
class StatusLineTest {

    @Test
    void namesSasAndTokenObjectsPerToken() {
        Map<String, Long> live = new LinkedHashMap<>();
        live.put("hsm", 3L);
        live.put("smartcard", 0L);
        assertEquals(
                "status: 0 IKE SA(s), 0 CHILD SA(s), live token objects {hsm=3, smartcard=0}",
                StatusLine.text(List.of(), live));
        assertEquals("status: 0 IKE SA(s), 0 CHILD SA(s), live token objects {}", StatusLine.text(List.of(), Map.of()));
    }
}
