package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.IkeSaSecrets;

/**
 * What an established IKE SA keeps of its keys (issue 10, memory per SA): SK_pi/SK_pr only enter the AUTH payloads
 * (RFC 7296 §2.15), and the SK payload ciphers hold their own SK_e/SK_a, so once IKE_AUTH is done both ends zeroize
 * and drop the six host copies and keep SK_d's handle; the SA still protects its messages.
 */
class EstablishedSaKeysTest {

    @Test
    void bothEndsDropTheirHostKeysOnceIkeAuthIsDoneAndStillProtectMessages() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = get(pair.initiate());
        for (IkeGateway g : List.of(pair.initiator.gateway, pair.responder.gateway)) {
            IkeSaSecrets keys = g.sa(info.spiI()).orElseThrow().keys();
            for (HostKey k : List.of(keys.skAi(), keys.skAr(), keys.skEi(), keys.skEr(), keys.skPi(), keys.skPr())) {
                assertTrue(k.isDestroyed(), k.toString());
                assertEquals(0, k.length(), k.toString());
                assertThrows(IllegalStateException.class, k::bytes);
            }
            assertFalse(keys.skD().isDestroyed(), "SK_d keys CHILD_SAs and rekeying");
        }
        // The host keys the token port handed out were zeroized, not just forgotten.
        assertEquals(List.of(), pair.initiator.crypto.undestroyedHostKeys());
        assertEquals(List.of(), pair.responder.crypto.undestroyedHostKeys());
        assertTrue(get(pair.initiator.gateway.checkLiveness(info.spiI())));
        assertTrue(get(pair.responder.gateway.checkLiveness(info.spiI())));
    }
}
