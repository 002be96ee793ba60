package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both ends derive the same CHILD_SA keys from their sealed SK_d (RFC 7296 §2.17: KEYMAT = prf+(SK_d, Ni | Nr),
 * initiator-to-responder keys first), and the SPIs cross: each end's inbound SPI is the other's outbound one.
 */
class ChildSaKeysAgreeTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    @Test
    void aesGcmKeysAgree() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                Side br = scenario.start("branch", ConnectionYaml.branch(gw))) {
            Scenario.Established sa = Scenario.establish(br, gw);
            assertEquals("aes256gcm16-prfsha256-ecp256", sa.initiator().suite().describe());
            CapturingInstaller.Installed mine = br.keys().next();
            CapturingInstaller.Installed theirs = gw.keys().next();
            assertEquals(mine.sa().inboundSpi(), theirs.sa().outboundSpi());
            assertEquals(mine.sa().outboundSpi(), theirs.sa().inboundSpi());
            assertEquals(mine.encI(), theirs.encI());
            assertEquals(mine.encR(), theirs.encR());
            assertNotEquals(mine.encI(), mine.encR());
            assertEquals(2 * 36, mine.encI().length(), "AES-256 key and 4-octet salt (RFC 4106 §8.1)");
            assertEquals("", mine.integI(), "AEAD: no integrity key");
            assertTrue(sa.initiator().tokenMicros() > 0);
        }
    }

    @Test
    void cbcAndHmacKeysAgree() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway().esp("aes128-sha256"));
                Side br = scenario.start("branch", ConnectionYaml.branch(gw).esp("aes128-sha256"))) {
            Scenario.establish(br, gw);
            CapturingInstaller.Installed mine = br.keys().next();
            CapturingInstaller.Installed theirs = gw.keys().next();
            assertEquals(
                    mine.encI() + mine.integI() + mine.encR() + mine.integR(),
                    theirs.encI() + theirs.integI() + theirs.encR() + theirs.integR());
            assertEquals(2 * 16, mine.encI().length(), "AES-128 key");
            assertEquals(2 * 32, mine.integI().length(), "HMAC-SHA2-256-128 key (RFC 4868 §2.1.2)");
            assertNotEquals(mine.integI(), mine.integR());
        }
    }
}
