package io.ikeseal.agent.interop;

// Scenarios (issue10.txt, "Tests that must exist", the charon bullet), each in both directions where it has two:
//   CHILD_SA rekey without PFS: charon `swanctl --rekey --child` / ikeseal rekeyChild      childRekey*
//   CHILD_SA rekey with PFS (ecp256 in esp-proposals)                                     childRekeyBy*WithPfs
//   CHILD_SA rekey by lifetime on each side                                               childRekeyByLifetime*
//   IKE SA rekey: `--rekey --ike` / rekeyIkeSa, then the CHILD_SAs work and rekey          ikeRekey*
//   IKE SA rekey by lifetime on each side                                                 ikeRekeyByLifetime*
//   several CHILD_SAs per IKE SA                                                          severalChildren*
//   DPD both ways: stop the peer, SAs go within the bound                                 deadPeer*
//   INITIAL_CONTACT after charon restarts                                                 initialContactAfter*
//   reauthentication (`--rekey --reauth` / reauthenticate, and by reauth-time)            reauth*
//   a CHILD_SA whose lifetime ends is gone                                                childLifetimeEnds*
// Renewals by lifetime run on short timers (SHORT): ikeseal's are set on the loaded configuration, below the one
// minute a configuration file may name. After each test the token holds what it held before (no SA's objects left).
//
// Keys: every CHILD_SA (new, rekeyed, with or without PFS) is compared with charon's level-4 key log through the
// CapturingInstaller. A rekeyed IKE SA's keys stay sealed in ikeseal; they are checked (docs/strongswan-peer.md,
// "Keys for comparison") by charon logging keys under the new SPIs, by a CHILD_SA made or rekeyed under the new IKE
// SA whose KEYMAT (from the new SK_d) equals charon's, and by a liveness exchange both ways under the new SK_e/SK_a.

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.config.ChildLifetimes;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.IkeLifetimes;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.daemon.CapturingInstaller;
import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.daemon.TestDeployment;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.SaEvents;
import io.ikeseal.testhsm.strongswan.Auth;
import io.ikeseal.testhsm.strongswan.Charon;
import io.ikeseal.testhsm.strongswan.CharonOptions;
import io.ikeseal.testhsm.strongswan.Child;
import io.ikeseal.testhsm.strongswan.ChildSaKeys;
import io.ikeseal.testhsm.strongswan.Connection;
import io.ikeseal.testhsm.strongswan.IkeSaKeys;
import io.ikeseal.testhsm.strongswan.SaSpis;
import io.ikeseal.testhsm.strongswan.SwanctlConf;

/**
 * The SA lifecycle against a real strongSwan charon on loopback (issue 10): CREATE_CHILD_SA for further CHILD_SAs
 * and rekeys of both kinds started by either end, by command and by lifetime, with and without PFS; liveness both
 * ways; INITIAL_CONTACT after charon restarts; reauthentication; CHILD_SA lifetimes. After each step the keys are
 * checked against charon's level-4 key log. PSK on both ends keeps the setup short; the key schedule is the same for
 * certificates.
 */
class StrongSwanLifecycleTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** An initiator gives up after about 4 s (0.5 s, x1.5, 3 tries): the bound on top of dpd-delay for a dead peer. */
    private static final ExchangeSettings FAST = ExchangeSettings.DEFAULT
            .withRetransmit(Duration.ofMillis(500), 1.5, 3)
            .withClosedLinger(Duration.ofSeconds(2));

    private static final Duration DEAD_PEER_BOUND = Duration.ofSeconds(2 + 5);
    private static final String CHARON_ID = CharonPeer.CHARON_ID;
    private static final String NO_PFS = "aes256gcm16";
    private static final String PFS = "aes256gcm16-ecp256";
    private static final HexFormat HEX = HexFormat.of();
    /** A renewal time short enough for a test, long enough to see the SA up before it. */
    private static final Duration SHORT = Duration.ofSeconds(5);

    @TempDir
    static Path dir;

    static TestDeployment deployment;
    static TokenSet tokens;
    /** Each test gets a fresh charon: restarts and kills must not leak into the next test. */
    private Charon charon;

    private IkeDaemon daemon;
    /** The token's live objects before this test's daemon started: the token set is shared by the class. */
    private long baseline;

    private final CapturingInstaller installed = new CapturingInstaller();
    private final Events events = new Events();

    @BeforeAll
    static void deploy() throws Exception {
        deployment = TestDeployment.create(dir);
        tokens = new TokenSet(IkesealConfig.load(deployment.writeConfig("tokens", "audit.log", "")));
    }

    @AfterEach
    void stop(TestInfo test) throws IOException {
        try {
            if (daemon != null) {
                daemon.close();
                daemon = null;
                // whatever way the SAs ended (Delete, dead peer, INITIAL_CONTACT, a stop unanswered), none is left
                awaitTrue("the token objects of this test's SAs destroyed", () -> liveObjects() == baseline, 5);
            }
        } finally {
            if (charon != null) {
                try {
                    // charon's log of each test, for when one fails: the temporary directory goes with the class
                    Path logs = Files.createDirectories(Path.of("target", "charon-logs"));
                    Files.writeString(
                            logs.resolve(test.getTestMethod().orElseThrow().getName() + ".log"), charon.log());
                } finally {
                    charon.close();
                    charon = null;
                }
            }
        }
    }

    @AfterAll
    static void release() {
        if (tokens != null) {
            tokens.close();
        }
        if (deployment != null) {
            deployment.close();
        }
    }

    // ---- CHILD_SA rekey (RFC 7296 §2.8), with and without PFS ------------------------------------------------------

    @Test
    void childRekeyByCharonWithoutPfs() throws Exception {
        childRekeyByCharon(NO_PFS);
    }

    @Test
    void childRekeyByCharonWithPfs() throws Exception {
        ChildSaKeys keys = childRekeyByCharon(PFS);
        assertTrue(keys.has(io.ikeseal.testhsm.strongswan.ChildKey.DH_SECRET), "the rekey ran a new ECDH");
    }

    private ChildSaKeys childRekeyByCharon(String esp) throws Exception {
        IkeSaInfo sa = ikesealInitiates(esp, "", AS_WRITTEN);
        SaSpis.Child first = charonChild("net");
        charon.rekeyChild("net");
        SaSpis.Child next = awaitCharonChild("net", c -> c.spiIn() != first.spiIn());
        ChildSaKeys keys = assertChildKeysAgree(next);
        awaitTrue("ikeseal removed the old CHILD_SA", () -> installed.removedInbound(first.spiOut()));
        events.awaitChildRekeyed(first.spiOut(), next.spiOut());
        assertEquals(sa.spiI(), only(charon).spiI(), "same IKE SA");
        return keys;
    }

    @Test
    void childRekeyByIkesealWithoutPfs() throws Exception {
        childRekeyByIkeseal(NO_PFS);
    }

    @Test
    void childRekeyByIkesealWithPfs() throws Exception {
        childRekeyByIkeseal(PFS);
    }

    private void childRekeyByIkeseal(String esp) throws Exception {
        IkeSaInfo sa = charonInitiates(esp, "", AS_WRITTEN);
        SaSpis.Child first = charonChild("net");
        // our inbound SPI is charon's outbound one
        daemon.rekeyChild(sa.spiI(), first.spiOut()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        SaSpis.Child next = awaitCharonChild("net", c -> c.spiIn() != first.spiIn());
        assertChildKeysAgree(next);
        awaitTrue(
                "charon deleted the old CHILD_SA",
                () -> charon.spis().stream()
                        .flatMap(s -> s.children().stream())
                        .noneMatch(c -> c.spiIn() == first.spiIn() && c.installed()));
    }

    @Test
    void childRekeyByLifetimeOnCharon() throws Exception {
        ikesealInitiates(NO_PFS, "", AS_WRITTEN);
        // charon's child rekeys after 5 s (rand 0); ours would only after an hour
        charon.load(charonConf(
                null, NO_PFS, c -> c, ch -> ch.rekeyTime("5s").lifeTime("15s").randTime("0")));
        terminateAndReinitiateFromIkeseal();
        SaSpis.Child first = charonChild("net");
        SaSpis.Child next = awaitCharonChild("net", c -> c.spiIn() != first.spiIn(), Duration.ofSeconds(15));
        assertChildKeysAgree(next);
    }

    @Test
    void childRekeyByLifetimeOnIkeseal() throws Exception {
        charonInitiates(NO_PFS, "", child(new ChildLifetimes(SHORT, SHORT.plusSeconds(10), Duration.ZERO)));
        SaSpis.Child first = charonChild("net");
        SaSpis.Child next = awaitCharonChild("net", c -> c.spiIn() != first.spiIn(), Duration.ofSeconds(15));
        assertChildKeysAgree(next);
        events.awaitChildRekeyed(first.spiOut(), next.spiOut());
    }

    // ---- a CHILD_SA whose lifetime ends is gone ---------------------------------------------------------------------

    @Test
    void childLifetimeEndsOnIkeseal() throws Exception {
        // no rekey, hard limit 4 s: ikeseal deletes the CHILD_SA (INFORMATIONAL Delete) and charon drops it too
        ikesealInitiates(NO_PFS, "", child(new ChildLifetimes(Duration.ZERO, Duration.ofSeconds(4), Duration.ZERO)));
        SaSpis.Child first = charonChild("net");
        awaitTrue("ikeseal removed the expired CHILD_SA", () -> installed.removedInbound(first.spiOut()), 10);
        awaitTrue(
                "charon has no CHILD_SA left",
                () -> only(charon).installed("net").isEmpty(),
                10);
        assertTrue(only(charon).established(), "the IKE SA stays");
    }

    @Test
    void childLifetimeEndsOnCharon() throws Exception {
        charonInitiates(NO_PFS, "", AS_WRITTEN);
        charon.load(charonConf(
                daemon.ikePort(), NO_PFS, c -> c, ch -> ch.rekeyTime("0").lifeTime("4s")));
        charon.terminateIke("ikeseal", TIMEOUT);
        charon.initiate("net", TIMEOUT).orThrow();
        SaSpis.Child first = charonChild("net");
        awaitTrue("ikeseal removed the CHILD_SA charon expired", () -> installed.removedInbound(first.spiOut()), 10);
    }

    // ---- IKE SA rekey (§2.18): the CHILD_SAs move over and still work and rekey
    // --------------------------------------

    @Test
    void ikeRekeyByCharon() throws Exception {
        IkeSaInfo sa = ikesealInitiates(NO_PFS, "", AS_WRITTEN);
        charon.rekeyIke("ikeseal");
        SaSpis rekeyed = awaitCharonSa(s -> s.spiI() != sa.spiI());
        assertIkeRekeyed(sa, rekeyed);
    }

    @Test
    void ikeRekeyByIkeseal() throws Exception {
        IkeSaInfo sa = charonInitiates(NO_PFS, "", AS_WRITTEN);
        daemon.rekeyIkeSa(sa.spiI()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        SaSpis rekeyed = awaitCharonSa(s -> s.spiI() != sa.spiI());
        assertIkeRekeyed(sa, rekeyed);
    }

    @Test
    void ikeRekeyByLifetimeOnCharon() throws Exception {
        charon = charon();
        charon.load(
                charonConf(null, NO_PFS, c -> c.rekeyTime("5s").overTime("10s").randTime("0"), ch -> ch));
        IkeSaInfo sa = startIkeseal(true, NO_PFS, "", AS_WRITTEN)
                .initiate("charon")
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        SaSpis rekeyed = awaitCharonSa(s -> s.spiI() != sa.spiI(), Duration.ofSeconds(15));
        assertIkeRekeyed(sa, rekeyed);
    }

    @Test
    void ikeRekeyByLifetimeOnIkeseal() throws Exception {
        IkeSaInfo sa = charonInitiates(
                NO_PFS, "", ike(new IkeLifetimes(SHORT, Duration.ZERO, Duration.ofSeconds(10), Duration.ZERO)));
        SaSpis rekeyed = awaitCharonSa(s -> s.spiI() != sa.spiI(), Duration.ofSeconds(15));
        assertIkeRekeyed(sa, rekeyed);
    }

    /**
     * After an IKE SA rekey: charon lists one IKE SA under new SPIs carrying the CHILD_SA, both ends logged/reported
     * the rekey, the old SA is gone on both, the new SA answers liveness checks both ways, and a CHILD_SA rekey over it
     * gives keys equal to charon's (so SK_d (new) agrees, hence SKEYSEED (new), RFC 7296 §2.18).
     */
    private void assertIkeRekeyed(IkeSaInfo old, SaSpis rekeyed) throws Exception {
        IkeSaKeys logged = charon.keys().ike(rekeyed.spiI(), rekeyed.spiR());
        assertEquals(rekeyed.spiI(), logged.initiatorSpi());
        IkeSaInfo now = events.awaitIkeRekeyed(old.spiI());
        assertEquals(rekeyed.spiI(), now.spiI());
        assertEquals(rekeyed.spiR(), now.spiR());
        awaitTrue("charon deleted the old IKE SA", () -> charon.spis().stream().noneMatch(s -> s.spiI() == old.spiI()));
        awaitTrue(
                "ikeseal has only the new IKE SA",
                () -> daemon.gateway().established().stream()
                        .map(IkeSaInfo::spiI)
                        .toList()
                        .equals(List.of(rekeyed.spiI())));
        assertEquals(1, rekeyed.installed("net").size(), "the CHILD_SA moved to the new IKE SA");
        assertTrue(daemon.gateway().checkLiveness(rekeyed.spiI()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        SaSpis.Child child = rekeyed.installed("net").getFirst();
        charon.rekeyChild("net");
        assertChildKeysAgree(awaitCharonChild("net", c -> c.spiIn() != child.spiIn()));
        SaSpis.Child second = awaitCharonChild("net", c -> c.spiIn() != child.spiIn());
        daemon.rekeyChild(rekeyed.spiI(), second.spiOut()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertChildKeysAgree(awaitCharonChild("net", c -> c.spiIn() != second.spiIn()));
        awaitTokenObjects(1, "one SK_d: the old IKE SA's token objects are destroyed");
    }

    // ---- several CHILD_SAs per IKE SA (§1.3.1) ----------------------------------------------------------------------

    @Test
    void severalChildrenCharonAddsOne() throws Exception {
        charon = charon();
        IkeDaemon d = startIkeseal(false, NO_PFS, "", AS_WRITTEN, secondChild());
        charon.load(charonConf(d.ikePort(), NO_PFS, c -> c.child(more()), ch -> ch));
        charon.initiate("net", TIMEOUT).orThrow();
        charon.initiateChild("more", TIMEOUT).orThrow();
        SaSpis sa = only(charon);
        assertEquals(1, sa.installed("net").size());
        assertEquals(1, sa.installed("more").size());
        assertChildKeysAgree(sa.installed("net").getFirst());
        assertChildKeysAgree(sa.installed("more").getFirst());
        assertEquals(1, daemon.gateway().established().size(), "one IKE SA carries both");
        assertEquals(2, daemon.gateway().established().getFirst().children().size());
    }

    @Test
    void severalChildrenStartedTogetherByIkeseal() throws Exception {
        ikesealStartsBoth();
        SaSpis.Child more = charonChild("more");
        charon.rekeyChild("more");
        assertChildKeysAgree(awaitCharonChild("more", c -> c.spiIn() != more.spiIn()));
        assertEquals(2, daemon.gateway().established().getFirst().children().size());
    }

    @Test
    void severalChildrenIkesealAddsOne() throws Exception {
        IkeSaInfo sa = ikesealStartsBoth();
        SaSpis.Child net = charonChild("net");
        charon.terminateChild("more", TIMEOUT);
        awaitTrue(
                "ikeseal removed the CHILD_SA more",
                () -> daemon.gateway().established().getFirst().children().size() == 1);
        daemon.initiateChild(sa.spiI(), "more").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertChildKeysAgree(awaitCharonChild("more", c -> true));
        SaSpis.Child more = charonChild("more");
        daemon.rekeyChild(sa.spiI(), more.spiOut()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertChildKeysAgree(awaitCharonChild("more", c -> c.spiIn() != more.spiIn()));
        assertEquals(net.spiIn(), charonChild("net").spiIn(), "net untouched");
    }

    /** ikeseal initiates a connection of two children: "more" follows "net" by CREATE_CHILD_SA (§1.3.1). */
    private IkeSaInfo ikesealStartsBoth() throws Exception {
        charon = charon();
        charon.load(charonConf(null, NO_PFS, c -> c.child(more()), ch -> ch));
        IkeSaInfo sa = startIkeseal(true, NO_PFS, "", AS_WRITTEN, secondChild())
                .initiate("charon")
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        SaSpis spis = awaitCharonSa(
                s -> s.installed("net").size() == 1 && s.installed("more").size() == 1);
        assertChildKeysAgree(spis.installed("net").getFirst());
        assertChildKeysAgree(spis.installed("more").getFirst());
        return sa;
    }

    /**
     * ikeseal's second child "more" (PFS), UDP only: a responding charon picks the child config by traffic selectors
     * and, with two alike, the first, whose proposals lack the DH group (NO_PROPOSAL_CHOSEN).
     */
    private static String secondChild() {
        return """
                      - name: more
                        local-ts: ["127.0.0.1/32[udp]"]
                        remote-ts: ["127.0.0.1/32[udp]"]
                        esp-proposals: [%s]
                """.formatted(PFS);
    }

    /** charon's side of "more". */
    private static Child more() {
        return Child.named("more")
                .localTs("127.0.0.1/32[udp]")
                .remoteTs("127.0.0.1/32[udp]")
                .espProposals(PFS)
                .rekeyTime("0");
    }

    // ---- liveness (§1.4, §2.4): a dead peer's SAs go within the bound -----------------------------------------------

    @Test
    void deadPeerCharonKilledIkesealNotices() throws Exception {
        IkeSaInfo sa = ikesealInitiates(NO_PFS, "dpd-delay: 2s\ndpd-action: clear\n", AS_WRITTEN);
        long start = System.nanoTime();
        charon.kill();
        events.awaitLivenessFailed(sa.spiI(), DEAD_PEER_BOUND.plusSeconds(1));
        awaitTrue(
                "ikeseal cleared the dead peer's SAs",
                () -> daemon.gateway().established().isEmpty(),
                3);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms <= DEAD_PEER_BOUND.toMillis() + 1000, "cleared after " + ms + " ms");
        System.out.println("StrongSwanLifecycleTest: charon killed, ikeseal cleared its SAs after " + ms + " ms (bound "
                + DEAD_PEER_BOUND.toMillis() + " ms)");
        awaitTrue("its CHILD_SA removed", () -> !installed.removed.isEmpty(), 1);
        awaitTokenObjects(0, "no token objects of the dead peer's SA");
    }

    @Test
    void deadPeerIkesealStoppedCharonNotices() throws Exception {
        charon = charon();
        IkeDaemon d = startIkeseal(false, NO_PFS, "", AS_WRITTEN);
        charon.load(charonConf(d.ikePort(), NO_PFS, c -> c.dpdDelay("2s").dpdAction("clear"), ch -> ch));
        charon.initiate("net", TIMEOUT).orThrow();
        only(charon);
        long start = System.nanoTime();
        d.transport().close(); // silent: no Delete, nothing answered from now on
        // charon retransmits its liveness check with its own timers (CharonOptions.retransmitGiveUp) before clearing
        Duration bound = Duration.ofSeconds(2)
                .plus(CharonOptions.defaults().retransmitGiveUp())
                .plusSeconds(2);
        awaitTrue("charon cleared the dead peer's IKE SA", () -> charon.spis().isEmpty(), bound.toSeconds());
        System.out.println("StrongSwanLifecycleTest: ikeseal silent, charon cleared its SA after "
                + (System.nanoTime() - start) / 1_000_000 + " ms (bound " + bound.toMillis() + " ms)");
    }

    // ---- INITIAL_CONTACT (§2.4) after charon restarts
    // ----------------------------------------------------------------

    @Test
    void initialContactAfterCharonRestart() throws Exception {
        IkeSaInfo before = charonInitiates(NO_PFS, "", AS_WRITTEN);
        charon.kill(); // no Delete: ikeseal still holds the old SA
        assertEquals(1, daemon.gateway().established().size());
        Charon restarted = charon.restart(); // same ports, same configuration, no SAs
        charon.close();
        charon = restarted;
        charon.initiate("net", TIMEOUT).orThrow(); // first IKE SA to us: charon sends INITIAL_CONTACT
        SaSpis fresh = only(charon);
        assertNotEquals(before.spiI(), fresh.spiI());
        awaitTrue(
                "ikeseal deleted the older IKE SA with the same identities",
                () -> daemon.gateway().established().stream()
                        .map(IkeSaInfo::spiI)
                        .toList()
                        .equals(List.of(fresh.spiI())));
        assertChildKeysAgree(fresh.installed("net").getFirst());
        awaitTokenObjects(1, "the old SA's SK_d is destroyed");
    }

    // ---- reauthentication (§2.8.3), make before break on ikeseal's side
    // ----------------------------------------------

    @Test
    void reauthByCharonAsResponder() throws Exception {
        assertReauthenticatedByCharon(ikesealInitiates(NO_PFS, "", AS_WRITTEN));
    }

    @Test
    void reauthByCharonAsInitiator() throws Exception {
        assertReauthenticatedByCharon(charonInitiates(NO_PFS, "", AS_WRITTEN));
    }

    /** charon's {@code --rekey --ike --reauth}: a new IKE SA with its CHILD_SA, then the old one deleted. */
    private void assertReauthenticatedByCharon(IkeSaInfo sa) throws Exception {
        charon.reauthenticate("ikeseal");
        SaSpis again =
                awaitCharonSa(s -> s.spiI() != sa.spiI() && !s.installed("net").isEmpty());
        assertChildKeysAgree(again.installed("net").getFirst());
        awaitTrue(
                "ikeseal has only the new IKE SA",
                () -> daemon.gateway().established().stream()
                        .map(IkeSaInfo::spiI)
                        .toList()
                        .equals(List.of(again.spiI())));
    }

    /**
     * ikeseal reauthenticates where it can initiate, i.e. its connection names the peer's address (Reauthentication,
     * RFC 7296 §2.8.3); a responder-only connection leaves it to the peer or the hard limit.
     */
    @Test
    void reauthByIkeseal() throws Exception {
        IkeSaInfo sa = ikesealInitiates(NO_PFS, "", AS_WRITTEN);
        daemon.reauthenticate(sa.spiI()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertReauthenticated(sa);
    }

    @Test
    void reauthByReauthTimeOnIkeseal() throws Exception {
        charon = charon();
        charon.load(charonConf(null, NO_PFS, c -> c, ch -> ch));
        IkeSaInfo sa = startIkeseal(
                        true,
                        NO_PFS,
                        "",
                        ike(new IkeLifetimes(Duration.ZERO, SHORT, Duration.ofSeconds(10), Duration.ZERO)))
                .initiate("charon")
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertReauthenticated(sa);
    }

    /** Make before break: the new IKE SA with its CHILD_SA is up before the old one is deleted. */
    private void assertReauthenticated(IkeSaInfo old) throws Exception {
        IkeSaInfo now = events.awaitIkeReauthenticated(old.spiI());
        SaSpis fresh =
                awaitCharonSa(s -> s.spiI() == now.spiI() && !s.installed("net").isEmpty());
        assertChildKeysAgree(fresh.installed("net").getFirst());
        awaitTrue(
                "the old IKE SA is gone on charon",
                () -> charon.spis().stream().noneMatch(s -> s.spiI() == old.spiI()));
        assertTrue(events.establishedBeforeDeleted(now.spiI(), old.spiI()), "make before break: " + events);
    }

    // ---- helpers
    // ------------------------------------------------------------------------------------------------------

    private Charon charon() {
        Charon c = Charon.start(dir, "peer");
        try {
            c.trust(deployment.ca());
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** charon's connection "ikeseal" with child "net" (PSK), initiating to {@code ikesealPort} unless null. */
    private SwanctlConf charonConf(
            Integer ikesealPort,
            String esp,
            java.util.function.UnaryOperator<Connection> conn,
            java.util.function.UnaryOperator<Child> child) {
        String ours = ikesealPort == null ? TestDeployment.BRANCH : TestDeployment.GATEWAY;
        Connection c = Connection.named("ikeseal")
                .proposals("aes256gcm16-prfsha256-ecp256")
                .local(Auth.psk(CHARON_ID))
                .remote(Auth.psk(ours))
                .rekeyTime("0")
                .child(child.apply(Child.named("net").espProposals(esp).rekeyTime("0")));
        c = conn.apply(c);
        return SwanctlConf.of(ikesealPort == null ? c : c.remotePort(ikesealPort))
                .psk(deployment.psk(), CHARON_ID, ours);
    }

    /**
     * ikeseal initiates to a fresh charon; {@code connExtra} are YAML lines for ikeseal's connection, {@code tweak}
     * changes the loaded configuration (lifetimes shorter than the configuration allows).
     */
    private IkeSaInfo ikesealInitiates(String esp, String connExtra, UnaryOperator<ConnectionConfig> tweak)
            throws Exception {
        charon = charon();
        charon.load(charonConf(null, esp, c -> c, ch -> ch));
        return startIkeseal(true, esp, connExtra, tweak).initiate("charon").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** A fresh charon initiates to ikeseal; returns ikeseal's view of the IKE SA. */
    private IkeSaInfo charonInitiates(String esp, String connExtra, UnaryOperator<ConnectionConfig> tweak)
            throws Exception {
        charon = charon();
        IkeDaemon d = startIkeseal(false, esp, connExtra, tweak);
        charon.load(charonConf(d.ikePort(), esp, c -> c, ch -> ch));
        charon.initiate("net", TIMEOUT).orThrow();
        awaitTrue(
                "ikeseal established the IKE SA",
                () -> !d.gateway().established().isEmpty());
        return d.gateway().established().getFirst();
    }

    private void terminateAndReinitiateFromIkeseal() throws Exception {
        charon.terminateIke("ikeseal", TIMEOUT);
        awaitTrue("ikeseal saw the delete", () -> daemon.gateway().established().isEmpty());
        var _ = daemon.initiate("charon").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private IkeDaemon startIkeseal(
            boolean initiator, String esp, String connExtra, UnaryOperator<ConnectionConfig> tweak) throws Exception {
        return startIkeseal(initiator, esp, connExtra, tweak, "");
    }

    private IkeDaemon startIkeseal(
            boolean initiator, String esp, String connExtra, UnaryOperator<ConnectionConfig> tweak, String more)
            throws Exception {
        String yaml = """
                listen: [127.0.0.1]
                connections:
                  - name: charon
                    local-address: 127.0.0.1
                %s    local-id: %s
                    remote-id: %s
                    local-auth: psk
                    psk: branch-psk
                    proposals: [aes256gcm16-prfsha256-ecp256]
                %s    children:
                      - name: net
                        esp-proposals: [%s]
                %s""".formatted(
                        initiator
                                ? "    remote-address: 127.0.0.1\n    remote-port: " + charon.ikePort() + "\n"
                                : "    remote-address: any\n",
                        initiator ? TestDeployment.BRANCH : TestDeployment.GATEWAY,
                        CHARON_ID,
                        connExtra.indent(4),
                        esp,
                        more);
        Path cfg = deployment.writeConfig(initiator ? "lifecycle-i" : "lifecycle-r", "audit.log", yaml);
        IkesealConfig loaded = IkesealConfig.load(cfg);
        IkesealConfig config =
                loaded.withConnections(loaded.connections().stream().map(tweak).toList());
        baseline = liveObjects();
        daemon = IkeDaemon.start(
                config,
                tokens,
                IkeDaemon.Options.defaults()
                        .withPorts(0, 0)
                        .withInstaller(installed)
                        .withEvents(events)
                        .withSettings(FAST));
        return daemon;
    }

    /** The configuration as written. */
    private static final UnaryOperator<ConnectionConfig> AS_WRITTEN = UnaryOperator.identity();

    /**
     * IKE SA lifetimes below the configuration's minimum of a minute, so that a renewal happens within the test: set on
     * the loaded configuration, out of reach of a configuration file.
     */
    private static UnaryOperator<ConnectionConfig> ike(IkeLifetimes l) {
        return c -> c.withLifetimes(l);
    }

    /** CHILD_SA lifetimes of child "net" below the configuration's minimum, as {@link #ike}. */
    private static UnaryOperator<ConnectionConfig> child(ChildLifetimes l) {
        return c -> c.withChildren(c.children().stream()
                .map(ch -> ch.name().equals("net")
                        ? new ChildConfig(ch.name(), ch.localTs(), ch.remoteTs(), ch.espProposals(), ch.mode(), l)
                        : ch)
                .toList());
    }

    /** The CHILD_SA with charon's inbound SPI {@code c.spiIn()}: keys equal to what ikeseal installed. */
    private ChildSaKeys assertChildKeysAgree(SaSpis.Child c) throws Exception {
        ChildSaKeys theirs = awaitKeys(c.spiIn());
        CapturingInstaller.Installed ours = installed.withInboundSpi(c.spiOut());
        assertEquals(c.spiIn(), ours.sa().outboundSpi());
        // "initiator" is the initiator of the exchange that made (or rekeyed) the CHILD_SA, the same on both sides
        assertEquals(HEX.formatHex(theirs.encryptionInitiator()), ours.encI(), "encryption initiator key");
        assertEquals(HEX.formatHex(theirs.encryptionResponder()), ours.encR(), "encryption responder key");
        assertEquals(HEX.formatHex(theirs.integrityInitiator()), ours.integI(), "integrity initiator key");
        assertEquals(HEX.formatHex(theirs.integrityResponder()), ours.integR(), "integrity responder key");
        return theirs;
    }

    private ChildSaKeys awaitKeys(int spi) {
        awaitTrue(
                "charon logged keys for SPI " + Integer.toHexString(spi),
                () -> charon.keys().findChild(spi).isPresent());
        return charon.keys().child(spi);
    }

    /** The SA closes on its own executor: its token objects go right after it left the established list. */
    private void awaitTokenObjects(long expected, String what) {
        awaitTrue(what + ": " + expected + " token object(s)", () -> tokenObjects() == expected, 3);
    }

    /** The token objects this test's daemon holds now. */
    private long tokenObjects() {
        return liveObjects() - baseline;
    }

    private static long liveObjects() {
        return tokens.liveObjects().getOrDefault("hsm", 0L);
    }

    private static SaSpis only(Charon c) {
        List<SaSpis> sas = c.spis().stream().filter(SaSpis::established).toList();
        assertEquals(1, sas.size(), () -> "charon has " + sas);
        return sas.getFirst();
    }

    private SaSpis.Child charonChild(String name) {
        List<SaSpis.Child> cs = only(charon).installed(name);
        assertEquals(1, cs.size(), cs::toString);
        return cs.getFirst();
    }

    private SaSpis.Child awaitCharonChild(String name, Predicate<SaSpis.Child> condition) {
        return awaitCharonChild(name, condition, TIMEOUT);
    }

    private SaSpis.Child awaitCharonChild(String name, Predicate<SaSpis.Child> condition, Duration timeout) {
        SaSpis sa = awaitCharonSa(
                s -> s.installed(name).size() == 1
                        && condition.test(s.installed(name).getFirst()),
                timeout);
        return sa.installed(name).getFirst();
    }

    private SaSpis awaitCharonSa(Predicate<SaSpis> condition) {
        return awaitCharonSa(condition, TIMEOUT);
    }

    private SaSpis awaitCharonSa(Predicate<SaSpis> condition, Duration timeout) {
        SaSpis[] hit = new SaSpis[1];
        awaitTrue(
                "charon's SAs as expected",
                () -> {
                    hit[0] = charon.spis().stream()
                            .filter(s -> s.established() && condition.test(s))
                            .findFirst()
                            .orElse(null);
                    return hit[0] != null;
                },
                timeout.toSeconds());
        return hit[0];
    }

    private void awaitTrue(String what, BooleanSupplier condition) {
        awaitTrue(what, condition, TIMEOUT.toSeconds());
    }

    /** Polls every 50 ms, at most {@code seconds}; fails with charon's SAs and log tail. */
    private void awaitTrue(String what, BooleanSupplier condition, long seconds) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("waited " + seconds + " s for: " + what + "\nikeseal events: " + events
                        + (charon != null && charon.isAlive()
                                ? "\ncharon SAs: " + charon.spis() + "\n" + charon.logTail(30)
                                : ""));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** ikeseal's SA events in order, for the rekey/liveness assertions. */
    private final class Events implements SaEvents {
        record Event(String kind, long spiI, long otherSpiI, int oldInbound, int newInbound, boolean reauth) {}

        private final List<Event> events = new CopyOnWriteArrayList<>();
        private final List<IkeSaInfo> rekeyedTo = new CopyOnWriteArrayList<>();

        @Override
        public void ikeSaEstablished(IkeSaInfo sa) {
            events.add(new Event("established", sa.spiI(), 0, 0, 0, false));
        }

        @Override
        public void ikeSaDeleted(IkeSaInfo sa, String reason) {
            events.add(new Event("deleted", sa.spiI(), 0, 0, 0, false));
        }

        @Override
        public void childSaRekeyed(IkeSaInfo ikeSa, ChildSaRecord old, ChildSaRecord now) {
            events.add(new Event("child-rekeyed", ikeSa.spiI(), 0, old.inboundSpi(), now.inboundSpi(), false));
        }

        @Override
        public void ikeSaRekeyed(IkeSaInfo old, IkeSaInfo now, boolean reauthenticated) {
            rekeyedTo.add(now);
            events.add(new Event("ike-rekeyed", old.spiI(), now.spiI(), 0, 0, reauthenticated));
        }

        @Override
        public void livenessFailed(IkeSaInfo sa, String reason) {
            events.add(new Event("liveness-failed", sa.spiI(), 0, 0, 0, false));
        }

        void awaitChildRekeyed(int oldInbound, int newInbound) {
            awaitTrue(
                    "childSaRekeyed " + Integer.toHexString(oldInbound) + " -> " + Integer.toHexString(newInbound),
                    () -> events.stream()
                            .anyMatch(e -> e.kind().equals("child-rekeyed")
                                    && e.oldInbound() == oldInbound
                                    && e.newInbound() == newInbound));
        }

        IkeSaInfo awaitIkeRekeyed(long oldSpiI) {
            return awaitIke(oldSpiI, false);
        }

        IkeSaInfo awaitIkeReauthenticated(long oldSpiI) {
            return awaitIke(oldSpiI, true);
        }

        private IkeSaInfo awaitIke(long oldSpiI, boolean reauth) {
            awaitTrue(
                    (reauth ? "reauthentication" : "ikeSaRekeyed") + " of " + Long.toHexString(oldSpiI),
                    () -> events.stream()
                            .anyMatch(e ->
                                    e.kind().equals("ike-rekeyed") && e.spiI() == oldSpiI && e.reauth() == reauth));
            long now = events.stream()
                    .filter(e -> e.kind().equals("ike-rekeyed") && e.spiI() == oldSpiI)
                    .findFirst()
                    .orElseThrow()
                    .otherSpiI();
            return rekeyedTo.stream().filter(s -> s.spiI() == now).findFirst().orElseThrow();
        }

        void awaitLivenessFailed(long spiI, Duration within) {
            awaitTrue(
                    "livenessFailed for " + Long.toHexString(spiI),
                    () -> events.stream().anyMatch(e -> e.kind().equals("liveness-failed") && e.spiI() == spiI),
                    within.toSeconds());
        }

        /** The rekey to {@code now} was reported before {@code old} was deleted. */
        boolean establishedBeforeDeleted(long now, long old) {
            int up = -1;
            int gone = -1;
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                if (up < 0 && e.kind().equals("ike-rekeyed") && e.otherSpiI() == now) {
                    up = i;
                }
                if (gone < 0 && e.kind().equals("deleted") && e.spiI() == old) {
                    gone = i;
                }
            }
            return up >= 0 && (gone < 0 || up < gone);
        }

        @Override
        public String toString() {
            return events.toString();
        }
    }
}
