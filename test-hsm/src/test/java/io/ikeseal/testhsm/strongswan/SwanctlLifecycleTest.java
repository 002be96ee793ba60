package io.ikeseal.testhsm.strongswan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture's lifecycle controls against two real charons (what the SA lifecycle interop tests drive): the
 * connection and child knobs are accepted by charon, a further CHILD_SA, CHILD_SA and IKE SA rekeys and a
 * reauthentication started by name each show up as new SPIs in {@link Charon#spis()} with keys both sides logged
 * alike, a CHILD_SA is terminated by name, and a charon killed with SIGKILL comes back on its own ports with its
 * configuration, knowing nothing of its old SAs.
 */
class SwanctlLifecycleTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final byte[] PSK = "lifecycle fixture test key".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path base;

    /** a's side of connection "life" (initiating to b), or b's: child "one" without PFS, "two" with X25519 PFS. */
    private static SwanctlConf conf(Charon peer, boolean onA) {
        return conf(peer, onA ? "a.example" : "b.example", onA ? "b.example" : "a.example", onA);
    }

    private static SwanctlConf conf(Charon peer, String me, String them, boolean initiates) {
        Connection c = Connection.named("life")
                .proposals("aes128gcm16-prfsha256-x25519")
                .local(Auth.psk(me))
                .remote(Auth.psk(them))
                .rekeyTime("1h")
                .overTime("10m")
                .randTime("5m")
                .reauthTime("0")
                .dpdDelay("30s")
                .dpdAction("clear")
                .closeAction("none")
                .unique("replace")
                // distinct selectors: a responding charon picks the child config by traffic selectors, and with two
                // alike it takes the first, whose proposals may lack the other's DH group (NO_PROPOSAL_CHOSEN)
                .child(Child.named("one")
                        .localTs("dynamic[tcp]")
                        .remoteTs("dynamic[tcp]")
                        .espProposals("aes128gcm16")
                        .rekeyTime("50m")
                        .lifeTime("60m")
                        .randTime("1m"))
                .child(Child.named("two")
                        .localTs("dynamic[udp]")
                        .remoteTs("dynamic[udp]")
                        .espProposals("aes128gcm16-x25519"));
        return SwanctlConf.of(initiates ? c.remotePort(peer.ikePort()) : c).psk(PSK, "a.example", "b.example");
    }

    @Test
    void childrenRekeysAndReauthenticationByNameShowAsNewSpisWithAgreeingKeys() {
        try (Charon a = Charon.start(base, "a");
                Charon b = Charon.start(base, "b")) {
            a.load(conf(b, true));
            b.load(conf(a, false));
            String rendered = conf(b, true).render();
            assertTrue(rendered.contains("dpd_action = clear") && rendered.contains("life_time = 60m"), rendered);

            a.initiate("one", TIMEOUT).orThrow();
            a.initiateChild("two", TIMEOUT).orThrow();
            SaSpis first = only(a);
            assertEquals(1, first.installed("one").size(), first::toString);
            assertEquals(1, first.installed("two").size(), "a further CHILD_SA on the same IKE SA: " + first);
            assertChildKeysAgree(a, b, first.installed("two").getFirst());

            SaSpis.Child two = first.installed("two").getFirst();
            a.rekeyChild("two");
            SaSpis afterChildRekey = await(
                    a,
                    s -> s.installed("two").size() == 1
                            && s.installed("two").getFirst().spiIn() != two.spiIn());
            SaSpis.Child newTwo = afterChildRekey.installed("two").getFirst();
            assertEquals(first.spiI(), afterChildRekey.spiI(), "same IKE SA");
            ChildSaKeys pfs = assertChildKeysAgree(a, b, newTwo);
            assertTrue(pfs.has(ChildKey.DH_SECRET), "PFS: the rekey's g^ir is logged");

            a.rekeyIke("life");
            SaSpis rekeyed = await(a, s -> s.spiI() != first.spiI());
            assertEquals(
                    Set.of("one", "two"),
                    rekeyed.children().stream()
                            .filter(SaSpis.Child::installed)
                            .map(SaSpis.Child::name)
                            .collect(Collectors.toSet()),
                    "the CHILD_SAs moved to the new IKE SA");
            assertIkeKeysAgree(a, b, rekeyed);

            a.reauthenticate("life");
            SaSpis reauthenticated = await(
                    a, s -> s.spiI() != rekeyed.spiI() && !s.installed("one").isEmpty());
            assertIkeKeysAgree(a, b, reauthenticated);
            assertEquals(
                    List.of(),
                    a.spis().stream().filter(s -> s.spiI() == rekeyed.spiI()).toList(),
                    "the old IKE SA is gone");

            a.terminateChild("one", TIMEOUT).orThrow();
            await(a, s -> s.installed("one").isEmpty() && !s.installed("two").isEmpty());
        }
    }

    @Test
    void aKilledCharonRestartsOnItsPortsWithItsConfigurationAndNoSas() throws Exception {
        Charon a = Charon.start(base, "a");
        Charon b = Charon.start(base, "b");
        Charon b2 = null;
        try {
            a.load(conf(b, true));
            b.load(conf(a, false));
            a.initiate("one", TIMEOUT).orThrow();
            long before = only(a).spiI();

            b.kill();
            assertFalse(b.isAlive());
            assertTrue(only(a).established(), "no Delete was sent: a still holds the SA");
            assertTrue(b.log().contains("CHILD_SA one{"), "the killed charon's log stays readable");

            b2 = b.restart();
            assertEquals(b.ikePort(), b2.ikePort());
            assertEquals(b.natTPort(), b2.natTPort());
            assertTrue(b2.isAlive() && b2.pid() != b.pid());
            assertEquals(List.of(), b2.listSas(), "a restarted charon knows nothing of its old SAs");

            // the restarted b initiates: a replaces the stale SA with the same identities (INITIAL_CONTACT, unique)
            b2.load(conf(a, "b.example", "a.example", true));
            b2.initiate("one", TIMEOUT).orThrow();
            SaSpis fresh =
                    await(a, s -> s.spiI() != before, spis -> spis.stream().noneMatch(s -> s.spiI() == before));
            assertNotEquals(before, fresh.spiI());
        } finally {
            if (b2 != null) {
                b2.close();
            }
            b.close();
            a.close();
        }
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(b.ikePort()))) {
            assertEquals(b.ikePort(), s.getLocalPort(), "the port is free once both are closed");
        } catch (SocketException e) {
            throw new AssertionError("port " + b.ikePort() + " still taken", e);
        }
    }

    private static SaSpis only(Charon c) {
        List<SaSpis> sas = c.spis().stream().filter(SaSpis::established).toList();
        assertEquals(1, sas.size(), () -> c.name() + " has " + sas);
        return sas.getFirst();
    }

    private static SaSpis await(Charon c, java.util.function.Predicate<SaSpis> condition) {
        return await(c, condition, spis -> true);
    }

    /** Polls every 50 ms, at most {@link #TIMEOUT}, for an established SA meeting condition while all meets all. */
    private static SaSpis await(
            Charon c, java.util.function.Predicate<SaSpis> condition, java.util.function.Predicate<List<SaSpis>> all) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            List<SaSpis> spis = c.spis();
            var hit = spis.stream()
                    .filter(s -> s.established() && condition.test(s))
                    .findFirst();
            if (hit.isPresent() && all.test(spis)) {
                return hit.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("charon " + c.name() + ": not as expected within " + TIMEOUT + ": " + spis
                        + "\n" + c.logTail(30));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private static ChildSaKeys assertChildKeysAgree(Charon a, Charon b, SaSpis.Child child) {
        ChildSaKeys mine = awaitChildKeys(a, child.spiIn());
        ChildSaKeys theirs = awaitChildKeys(b, child.spiOut());
        assertEquals(List.of(), mine.differences(theirs), () -> mine + " vs " + theirs);
        return mine;
    }

    private static void assertIkeKeysAgree(Charon a, Charon b, SaSpis sa) {
        // Either charon may list the SA before its key log line is written: wait for both.
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while ((a.keys().findIke(sa.spiI(), sa.spiR()).isEmpty()
                        || b.keys().findIke(sa.spiI(), sa.spiR()).isEmpty())
                && System.nanoTime() < deadline) {
            sleep();
        }
        IkeSaKeys mine = a.keys().ike(sa.spiI(), sa.spiR());
        IkeSaKeys theirs = b.keys().ike(sa.spiI(), sa.spiR());
        assertEquals(List.of(), mine.differences(theirs), () -> mine + " vs " + theirs);
    }

    private static ChildSaKeys awaitChildKeys(Charon c, int spi) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (c.keys().findChild(spi).isEmpty() && System.nanoTime() < deadline) {
            sleep();
        }
        return c.keys().child(spi);
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
