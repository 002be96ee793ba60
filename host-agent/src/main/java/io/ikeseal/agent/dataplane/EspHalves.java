package io.ikeseal.agent.dataplane;

import io.ikeseal.agent.esp.EspOpener;
import io.ikeseal.agent.esp.EspSealer;
import io.ikeseal.agent.esp.EspTransforms;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaRecord;

/**
 * Makes a CHILD_SA's ESP halves from its record and lent keys: {@link #TRANSFORMS} in production, a stand-in in
 * tests of the data plane's own logic.
 */
interface EspHalves {

    /** The outbound half: our sending keys (RFC 7296 §2.17) under the peer's SPI. */
    EspSealer sealer(ChildSaRecord sa, ChildSaKeys keys);

    /** The inbound half: the peer's sending keys under our SPI. */
    EspOpener opener(ChildSaRecord sa, ChildSaKeys keys, int replayWindow);

    EspHalves TRANSFORMS = new EspHalves() {
        @Override
        public EspSealer sealer(ChildSaRecord sa, ChildSaKeys keys) {
            return EspTransforms.sealer(
                    sa.suite(),
                    keys.outboundEncryption(sa.initiator()),
                    keys.outboundIntegrity(sa.initiator()),
                    sa.outboundSpi());
        }

        @Override
        public EspOpener opener(ChildSaRecord sa, ChildSaKeys keys, int replayWindow) {
            return EspTransforms.opener(
                    sa.suite(),
                    keys.inboundEncryption(sa.initiator()),
                    keys.inboundIntegrity(sa.initiator()),
                    sa.inboundSpi(),
                    replayWindow);
        }
    };
}
