package io.ikeseal.hsm.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/** The compat schedule on a SoftHSM key-exchange token (no HKDF): host-side HMAC, audited as HOST_HMAC. */
class CompatKeyScheduleTest extends KeyScheduleContract {
    static final SoftHsmExtension softHsm = SoftHsmExtension.create().withLabel("compat");

    @RegisterExtension
    static final OpenTokenExtension opened =
            OpenTokenExtension.softHsm(softHsm, ResidencyTier.COMPAT, TokenRole.KEY_EXCHANGE);

    CompatKeyScheduleTest() {
        super(opened);
    }

    @Override
    void assertResidency(SealedKey key) {
        assertNotNull(key.key().getEncoded(), "compat keys are host bytes");
        assertEquals(key.length(), key.key().getEncoded().length);
    }

    @Override
    List<String> expectedIkeSaKeyOps() {
        return List.of("prf+:SKEYSEED");
    }

    @Test
    void forTokenChoosesTheCompatScheduleAndAuditsItAsHostWork() {
        KeySchedule s = KeySchedule.forToken(token());
        assertTrue(s instanceof CompatKeySchedule);
        assertEquals(ResidencyTier.COMPAT, s.tier());
        audit().clear();
        Token.await(s.prf(Prf.HMAC_SHA2_256, secret("K", random(32)), random(8), CTX));
        assertEquals("HOST_HMAC", audit().byOperation("prf").get(0).mechanism());
    }
}
