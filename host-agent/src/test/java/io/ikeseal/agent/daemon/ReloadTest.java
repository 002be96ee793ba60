package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.config.ConfigException;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * {@link IkeDaemon#reload} between two daemons in one JVM (docs/operations-reload.md): connections added, removed and
 * changed while another connection's IKE SA and CHILD_SA keep their SPIs and keep working; a file that does not load,
 * names what does not exist or changes what needs a restart changes nothing; trust changes apply to the next
 * authentication. The gateway's connections here authenticate with the PSK and tell branch offices apart by their ID,
 * so one branch daemon can stand for several.
 */
class ReloadTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    private static final List<String> CA = List.of("ca.pem");

    /** The gateway's PSK connection {@code name} for the branch office that claims ID {@code name}.branch.test. */
    private static ConnectionYaml gatewaySide(String name) {
        return ConnectionYaml.gateway()
                .named(name)
                .pskAuth(TestDeployment.PSK)
                .remoteId(name + ".branch.test")
                .esp("aes256gcm16", "aes128gcm16");
    }

    /** The branch office's connection {@code name} to {@code gw}, claiming ID {@code name}.branch.test. */
    private static ConnectionYaml branchSide(Side gw, String name) {
        return ConnectionYaml.branch(gw).named(name).pskAuth(TestDeployment.PSK).localId(name + ".branch.test");
    }

    private static String file(ConnectionYaml... connections) {
        StringBuilder b = new StringBuilder("listen: [\"127.0.0.1\"]\nconnections:\n");
        for (ConnectionYaml c : connections) {
            b.append(c.entry());
        }
        return b.toString();
    }

    private static Side gateway(ConnectionYaml... connections) throws Exception {
        return scenario.start("gateway", CA, file(connections), Scenario.FAST);
    }

    private static Side branch(Side gw, String... names) throws Exception {
        ConnectionYaml[] cs = new ConnectionYaml[names.length];
        for (int i = 0; i < names.length; i++) {
            cs[i] = branchSide(gw, names[i]);
        }
        return scenario.start("branch", CA, file(cs), Scenario.FAST);
    }

    /** The responder's view of the IKE SA with initiator SPI {@code spiI}, or null. */
    private static IkeSaInfo established(Side s, long spiI) {
        return s.daemon().gateway().established().stream()
                .filter(i -> i.spiI() == spiI)
                .findFirst()
                .orElse(null);
    }

    private static List<ChildSaRecord> children(Side s, String connection) {
        return s.installer().installed().stream()
                .filter(c -> c.connection().equals(connection))
                .toList();
    }

    @Test
    void addsAndRemovesConnectionsWhileAnotherKeepsItsSas() throws Exception {
        try (Side gw = gateway(gatewaySide("keep"), gatewaySide("drop"));
                Side br = branch(gw, "keep", "drop", "new")) {
            IkeSaInfo keep = Scenario.get(br.initiate("keep"));
            IkeSaInfo drop = Scenario.get(br.initiate("drop"));
            IkeSaInfo keepAtGw = gw.events()
                    .await(EventRecorder.Kind.ESTABLISHED, keep.spiI())
                    .sa();
            assertEquals("keep", keepAtGw.connection());
            ChildSaRecord keepChild = children(gw, "keep").getFirst();

            scenario.rewrite(gw, CA, file(gatewaySide("keep"), gatewaySide("new")));
            ReloadReport r = gw.daemon().reload();

            assertEquals(new ReloadReport(List.of("new"), List.of("drop"), List.of(), List.of("keep"), false), r);
            assertEquals(
                    List.of("keep", "new"),
                    gw.daemon().config().connections().stream()
                            .map(c -> c.name())
                            .toList());
            // drop's SA went with an INFORMATIONAL Delete, which the branch office answered
            br.events().await(EventRecorder.Kind.DELETED, drop.spiI());
            assertTrue(established(gw, drop.spiI()) == null);
            // keep's IKE SA and CHILD_SA are the same SAs as before
            IkeSaInfo after = established(gw, keep.spiI());
            assertEquals(keepAtGw.spiR(), after.spiR());
            assertEquals(List.of(keepChild), children(gw, "keep"));
            assertTrue(Scenario.get(gw.daemon().gateway().checkLiveness(keep.spiI())), "keep answers");
            ChildSaRecord rekeyed = Scenario.get(gw.daemon().rekeyChild(keep.spiI(), keepChild.inboundSpi()));
            assertNotEquals(keepChild.inboundSpi(), rekeyed.inboundSpi());
            // the added connection answers, the removed one no longer does
            assertEquals("new", Scenario.get(br.initiate("new")).connection());
            assertTrue(Scenario.failure(br.initiate("drop")).contains("AUTHENTICATION_FAILED"));
            assertTrue(Scenario.failure(gw.initiate("drop")).contains("no connection 'drop'"));
        }
    }

    @Test
    void handshakesOfAnUnchangedConnectionSucceedWhileReloadsAddAndRemoveOthers() throws Exception {
        try (Side gw = gateway(gatewaySide("keep"));
                Side br = branch(gw, "keep")) {
            List<CompletableFuture<IkeSaInfo>> handshakes = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                handshakes.add(br.initiate("keep"));
                scenario.rewrite(
                        gw,
                        CA,
                        i % 2 == 0 ? file(gatewaySide("other"), gatewaySide("keep")) : file(gatewaySide("keep")));
                gw.daemon().reload();
            }
            for (CompletableFuture<IkeSaInfo> h : handshakes) {
                assertEquals("keep", Scenario.get(h).connection());
            }
        }
    }

    @Test
    void changedConnectionIsDeletedAndBroughtUpAgainUnderItsNewSettings() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (Side gw = gateway(gatewaySide("c"));
                Side br = scenario.start(
                        "branch", CA, file(branchSide(gw, "c").connection("initiate: true")), Scenario.FAST)) {
            br.daemon().supervise(SupervisionTest.BACKOFF, log::add);
            IkeSaInfo first =
                    br.events().awaitOnly(EventRecorder.Kind.ESTABLISHED).sa();

            scenario.rewrite(
                    br,
                    CA,
                    file(branchSide(gw, "c").connection("initiate: true").esp("aes128gcm16")));
            ReloadReport r = br.daemon().reload();

            assertEquals(List.of("c"), r.changed());
            gw.events().await(EventRecorder.Kind.DELETED, first.spiI());
            Scenario.await(
                    "c established again",
                    () -> br.events().of(EventRecorder.Kind.ESTABLISHED).size() == 2);
            IkeSaInfo second =
                    br.events().of(EventRecorder.Kind.ESTABLISHED).get(1).sa();
            assertNotEquals(first.spiI(), second.spiI());
            // AES-GCM with a 128-bit key now, 256 before
            assertTrue(second.children().getFirst().suite().keyLengthPerDirection()
                    < first.children().getFirst().suite().keyLengthPerDirection());
            assertEquals(
                    List.of(second.spiI()),
                    br.daemon().gateway().established().stream()
                            .map(IkeSaInfo::spiI)
                            .toList());
        }
    }

    @Test
    void aFileThatCannotApplyChangesNothing() throws Exception {
        try (Side gw = gateway(gatewaySide("keep"));
                Side br = branch(gw, "keep", "new")) {
            IkeSaInfo keep = Scenario.get(br.initiate("keep"));
            IkeSaInfo atGw = gw.events()
                    .await(EventRecorder.Kind.ESTABLISHED, keep.spiI())
                    .sa();
            IkesealConfig before = gw.daemon().config();
            String good = file(gatewaySide("new"));
            List<String[]> broken = List.of(
                    new String[] {good + "\tname: indented with a tab\n", "line"},
                    new String[] {
                        file(gatewaySide("new").signWith("no-such-identity").peerPsk(TestDeployment.PSK)), "identity"
                    },
                    new String[] {good + "ike:\n  port: 15999\n", "ike.port"},
                    new String[] {good.replace("127.0.0.1\"]", "127.0.0.1\", \"127.0.0.2\"]"), "listen"});
            Path f = before.file();
            for (String[] b : broken) {
                scenario.rewrite(gw, CA, b[0]);
                refused(gw, b[1], before, keep.spiI(), atGw.spiR());
            }
            // an identity whose key the token does not have
            scenario.rewrite(
                    gw, CA, file(gatewaySide("new").signWith("branch-rsa").peerPsk(TestDeployment.PSK)));
            Files.writeString(f, Files.readString(f).replace("key: branch-rsa}", "key: no-such-key}"));
            refused(gw, "identities[3].key", before, keep.spiI(), atGw.spiR());
            assertTrue(Scenario.get(gw.daemon().gateway().checkLiveness(keep.spiI())));
            assertTrue(Scenario.failure(br.initiate("new")).contains("AUTHENTICATION_FAILED"), "not added");
            assertEquals("keep", Scenario.get(br.initiate("keep")).connection());
        }
    }

    private static void refused(Side gw, String key, IkesealConfig before, long spiI, long spiR) {
        ConfigException e =
                assertThrows(ConfigException.class, () -> gw.daemon().reload());
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertSame(before, gw.daemon().config());
        assertEquals(spiR, established(gw, spiI).spiR());
    }

    @Test
    void trustChangesApplyToTheNextAuthentication() throws Exception {
        try (Side gw = scenario.start("gateway", CA, ConnectionYaml.gateway().yaml(), Scenario.FAST);
                Side br = scenario.start("branch", ConnectionYaml.branch(gw))) {
            IkeSaInfo first = Scenario.get(br.initiate("gateway"));

            scenario.rewrite(
                    gw, List.of(Scenario.OTHER_CA), ConnectionYaml.gateway().yaml());
            ReloadReport r = gw.daemon().reload();

            assertTrue(r.trustChanged());
            assertEquals(List.of("branch"), r.unchanged());
            assertFalse(established(gw, first.spiI()) == null, "the SA authenticated before stays");
            assertTrue(Scenario.failure(br.initiate("gateway")).contains("AUTHENTICATION_FAILED"));

            scenario.rewrite(gw, CA, ConnectionYaml.gateway().yaml());
            assertTrue(gw.daemon().reload().trustChanged());
            Scenario.get(br.initiate("gateway"));
        }
    }
}
