package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.exchange.ExchangeSettings;
import io.ikeseal.agent.sa.IkeSaInfo;

/** Two ikeseal daemons on loopback, sharing one set of test tokens: IKE SA and CHILD_SA end to end. */
class IkeToIkeTest {
    static final ExchangeSettings FAST = ExchangeSettings.DEFAULT.withRetransmit(Duration.ofMillis(400), 1.5, 3)
            .withClosedLinger(Duration.ofSeconds(2));

    @TempDir
    static Path dir;
    static TestDeployment deployment;
    static TokenSet tokens;
    static IkeDaemon gateway;
    static CapturingInstaller gatewayInstalled = new CapturingInstaller();

    @BeforeAll
    static void startGateway() throws Exception {
        deployment = TestDeployment.create(dir);
        Path cfg = deployment.writeConfig("gateway", "gateway-audit.log", """
                listen: [127.0.0.1]
                connections:
                  - name: branch-ecdsa
                    local-address: 127.0.0.1
                    remote-address: any
                    local-id: gateway.ikeseal.test
                    remote-id: branch.ikeseal.test
                    local-auth: pubkey
                    identity: gateway-ecdsa
                    proposals: [aes256gcm16-prfsha256-ecp256, aes128-sha256-modp2048]
                    children:
                      - name: net
                        esp-proposals: [aes256gcm16, aes128-sha256]
                """);
        IkesealConfig config = IkesealConfig.load(cfg);
        tokens = new TokenSet(config);
        gateway = IkeDaemon.start(config, tokens, IkeDaemon.Options.defaults().withPorts(0, 0)
                .withInstaller(gatewayInstalled).withSettings(FAST));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (tokens != null) {
            tokens.close();
        }
        if (deployment != null) {
            deployment.close();
        }
    }

    private static IkeDaemon branch(String name, String connection, CapturingInstaller installed) throws Exception {
        Path cfg = deployment.writeConfig(name, name + "-audit.log", """
                listen: [127.0.0.1]
                connections:
                %s
                """.formatted(connection.indent(2).replace("PORT", Integer.toString(gateway.ikePort()))));
        return IkeDaemon.start(IkesealConfig.load(cfg), tokens, IkeDaemon.Options.defaults().withPorts(0, 0)
                .withInstaller(installed).withSettings(FAST));
    }

    @Test
    void ecdsaCertificatesBothWays() throws Exception {
        CapturingInstaller installed = new CapturingInstaller();
        try (IkeDaemon branch = branch("branch1", """
                - name: gw
                  local-address: 127.0.0.1
                  remote-address: 127.0.0.1
                  remote-port: PORT
                  local-id: branch.ikeseal.test
                  remote-id: gateway.ikeseal.test
                  local-auth: pubkey
                  identity: branch-ecdsa
                  proposals: [aes256gcm16-prfsha256-ecp256]
                  children:
                    - name: net
                      esp-proposals: [aes256gcm16]
                """, installed)) {
            IkeSaInfo sa = branch.initiate("gw").get(20, TimeUnit.SECONDS);
            assertEquals("aes256gcm16-prfsha256-ecp256", sa.suite().describe());
            assertEquals("gateway.ikeseal.test", sa.remoteId());
            assertEquals(1, sa.children().size());
            CapturingInstaller.Installed mine = installed.next();
            CapturingInstaller.Installed theirs = gatewayInstalled.next();
            assertEquals(mine.sa().inboundSpi(), theirs.sa().outboundSpi());
            assertEquals(mine.sa().outboundSpi(), theirs.sa().inboundSpi());
            assertEquals(mine.encI(), theirs.encI());
            assertEquals(mine.encR(), theirs.encR());
            assertNotEquals(mine.encI(), mine.encR());
            assertEquals(72, mine.encI().length());
            assertTrue(sa.tokenMicros() > 0);
        }
    }
}
