package io.ikeseal.testhsm.strongswan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** swanctl --list-sas --pretty as strongSwan 5.9.8 prints it. */
class IkeSaListTest {
    @Test
    void parsesIkeAndChildSas() {
        String pretty = """
                list-sa event {
                  gw {
                    uniqueid = 4
                    version = 2
                    state = ESTABLISHED
                    local-host = 127.0.0.1
                    local-port = 44500
                    local-id = C=CH, O=strongSwan, CN=a
                    remote-host = 127.0.0.1
                    remote-port = 40501
                    remote-id = b.example
                    initiator = yes
                    initiator-spi = 862004b3561c1023
                    responder-spi = 9b393ff922a60c02
                    nat-remote = yes
                    nat-any = yes
                    encr-alg = AES_CBC
                    encr-keysize = 128
                    integ-alg = HMAC_SHA2_256_128
                    prf-alg = PRF_HMAC_SHA2_256
                    dh-group = ECP_256
                    established = 31
                    child-sas {
                      net-4 {
                        name = net
                        uniqueid = 4
                        reqid = 1
                        state = INSTALLED
                        mode = TUNNEL
                        protocol = ESP
                        encap = yes
                        spi-in = c29c33a0
                        spi-out = 0a013391
                        encr-alg = AES_GCM_16
                        encr-keysize = 256
                        local-ts = [
                          127.0.0.1/32
                        ]
                        remote-ts = [
                          127.0.0.1/32
                        ]
                      }
                    }
                  }
                }
                list-sa event {
                  other {
                    uniqueid = 5
                    state = CONNECTING
                    initiator-spi = 0000000000000001
                    responder-spi = 0000000000000000
                  }
                }
                list-sas reply {
                }
                """;
        List<IkeSa> sas = IkeSa.parseList(pretty);
        assertEquals(2, sas.size());
        IkeSa gw = sas.getFirst();
        assertEquals("gw", gw.name());
        assertEquals(4, gw.uniqueId());
        assertTrue(gw.established());
        assertTrue(gw.initiator());
        assertEquals(0x862004b3561c1023L, gw.initiatorSpi());
        assertEquals(0x9b393ff922a60c02L, gw.responderSpi());
        assertEquals("C=CH, O=strongSwan, CN=a", gw.localId());
        assertEquals(44500, gw.localPort());
        assertEquals(
                List.of("AES_CBC", 128, "HMAC_SHA2_256_128", "PRF_HMAC_SHA2_256", "ECP_256"),
                List.of(gw.encrAlg(), gw.encrKeySize(), gw.integAlg(), gw.prfAlg(), gw.dhGroup()));
        ChildSa net = gw.children("net").getFirst();
        assertEquals(0xc29c33a0, net.spiIn());
        assertEquals(0x0a013391, net.spiOut());
        assertTrue(net.encap());
        assertEquals("", net.integAlg());
        assertEquals(List.of("127.0.0.1/32"), net.localTs());
        IkeSa other = sas.get(1);
        assertFalse(other.established());
        assertEquals(List.of(), other.children());
        assertEquals(List.of(), IkeSa.parseList("list-sas reply {\n}\n"));
    }
}
