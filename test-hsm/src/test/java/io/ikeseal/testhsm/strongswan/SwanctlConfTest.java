package io.ikeseal.testhsm.strongswan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SwanctlConfTest {
    @Test
    void rendersConnectionsChildrenAndPsksWithQuotedDns() {
        String text = SwanctlConf.of(Connection.named("gw")
                        .remotePort(40501)
                        .proposals("aes256gcm16-prfsha256-ecp256")
                        .local(Auth.pubkey("CN=a, O=ikeseal").certs("a.pem"))
                        .remote(Auth.rsaPss("b.example"))
                        .set("mobike", "no")
                        .child(Child.named("net").espProposals("aes256gcm16", "aes128gcm16")))
                .psk(new byte[] {1, 2, (byte) 0xff}, "a.example", "b.example")
                .render();
        assertEquals("""
                # written by io.ikeseal.testhsm.strongswan
                connections {
                  gw {
                    version = 2
                    local_addrs = 127.0.0.1
                    remote_addrs = 127.0.0.1
                    remote_port = 40501
                    proposals = aes256gcm16-prfsha256-ecp256
                    mobike = no
                    local {
                      auth = pubkey
                      id = "CN=a, O=ikeseal"
                      certs = a.pem
                    }
                    remote {
                      auth = ike:rsa/pss-sha256
                      id = b.example
                    }
                    children {
                      net {
                        local_ts = dynamic
                        remote_ts = dynamic
                        start_action = none
                        esp_proposals = aes256gcm16,aes128gcm16
                      }
                    }
                  }
                }
                secrets {
                  ike-1 {
                    id-1 = a.example
                    id-2 = b.example
                    secret = 0x0102ff
                  }
                }
                """, text);
    }

    @Test
    void quotesAndRefusesWhatWouldBreakTheSyntax() {
        assertEquals("\"a \\\"b\\\" \\\\ c\"", ConfSection.quote("a \"b\" \\ c"));
        assertEquals("%any", ConfSection.quote("%any"));
        assertThrows(IllegalArgumentException.class, () -> Connection.named("a b"));
        assertThrows(
                IllegalArgumentException.class,
                () -> Child.named("x").set("k", "line\nbreak").section());
        assertThrows(
                IllegalStateException.class,
                () -> SwanctlConf.of(Connection.named("nolocal")).render());
    }
}
