package io.ikeseal.agent.protect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.hsm.api.HostKey;

/**
 * RFC 7634 Appendix B: an INFORMATIONAL request carrying N(SET_WINDOW_SIZE = 10), sealed with ChaCha20-Poly1305
 * under KEYMAT 80..9f with salt a0a1a2a3 and IV 1011121314151617.
 */
class ChaCha20Poly1305KnownAnswerTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] SK_E =
            HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" + "a0a1a2a3");
    private static final byte[] IV = HEX.parseHex("1011121314151617");
    private static final String AAD = "c0c1c2c3c4c5c6c7d0d1d2d3d4d5d6d7" + "2e202500000000090000004529000029";
    private static final String PLAINTEXT = "0000000c000040010000000a" + "00";
    private static final String CIPHERTEXT = "610394701f8d017f7c12924889";
    private static final String ICV = "6b71bfe25236efd7cdc67066906315b2";
    private static final byte[] MESSAGE = HEX.parseHex(AAD + "1011121314151617" + CIPHERTEXT + ICV);

    private static final ProtectionSuite SUITE = ProtectionSuite.of(28, 0, 0);
    private static final IkeHeader HEADER =
            IkeHeader.of(0xc0c1c2c3c4c5c6c7L, 0xd0d1d2d3d4d5d6d7L, ExchangeType.INFORMATIONAL, false, false, 9);

    private static SkProtection protection(OctetSource ivs) {
        HostKey skE = new HostKey("SK_e", SK_E);
        HostKey skA = new HostKey("SK_a", new byte[0]);
        return SkProtection.of(SUITE.newCipher(skE, skA, ivs), SUITE.newCipher(skE, skA), DecodeLimits.DEFAULT);
    }

    @Test
    void sealsTheRfcMessage() {
        byte[] window = {0, 0, 0, 10};
        byte[] sealed = protection(new ScriptedOctets(IV))
                .protect(HEADER, List.of(NotifyPayload.of(NotifyType.SET_WINDOW_SIZE, window)));
        assertEquals(HEX.formatHex(MESSAGE), HEX.formatHex(sealed));
    }

    @Test
    void cipherLevelFieldsMatchTheRfc() throws Exception {
        SkCipher c = SUITE.newCipher(new HostKey("SK_e", SK_E), null, new ScriptedOctets(IV));
        byte[] content = c.sealPadded(HEX.parseHex(AAD), HEX.parseHex(PLAINTEXT));
        assertEquals("1011121314151617" + CIPHERTEXT + ICV, HEX.formatHex(content));
        assertEquals(PLAINTEXT, HEX.formatHex(c.openPadded(HEX.parseHex(AAD), content)));
        assertArrayEquals(HEX.parseHex(PLAINTEXT.substring(0, 24)), c.open(HEX.parseHex(AAD), content));
    }

    @Test
    void opensTheRfcMessage() throws Exception {
        IkeMessage sealed = IkeMessageCodec.decode(MESSAGE.clone());
        IkeMessage m = protection(OctetSource.counter()).unprotect(sealed, MESSAGE.clone());
        assertEquals(ExchangeType.INFORMATIONAL, m.header().exchange());
        assertEquals(9, m.header().messageId());
        NotifyPayload n = m.notification(NotifyType.SET_WINDOW_SIZE).orElseThrow();
        assertEquals(1, m.payloads().size());
        assertEquals("0000000a", HEX.formatHex(n.data()));
        assertEquals(Arrays.asList(0, 0), Arrays.asList(n.protocolId(), n.spi().length));
    }
}
