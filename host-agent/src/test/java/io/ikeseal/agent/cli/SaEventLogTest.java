package io.ikeseal.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.protect.EncryptionAlgorithm;
import io.ikeseal.agent.protect.IntegrityAlgorithm;
import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.wire.TrafficSelector;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;

/** {@code run}'s lines for the lifecycle events (issue 10 item 7): rekeys name old and new SPIs, dead peers say so. */
class SaEventLogTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final ProtectionSuite GCM =
            new ProtectionSuite(EncryptionAlgorithm.ENCR_AES_GCM_16, 256, IntegrityAlgorithm.NONE);

    private final StringWriter text = new StringWriter();
    private final SaEventLog log = new SaEventLog(new PrintWriter(text), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aChildSaRekeyNamesTheOldAndTheNewSpis() {
        IkeSaInfo ike = ike(0x1111L, 0x2222L);
        log.childSaRekeyed(ike, child(0xc0000001, 0xc0000002), child(0xc0000003, 0xc0000004));
        String line = text.toString().strip();
        assertTrue(
                line.startsWith("2026-12-06T12:00:00Z CHILD_SA rekeyed: site{net} SPIs c0000001_i c0000002_o -> "
                        + "c0000003_i c0000004_o; "),
                line);
        assertEquals(1, text.toString().lines().count());
    }

    @Test
    void anIkeSaRekeyAndAReauthenticationNameBothSas() {
        log.ikeSaRekeyed(ike(0x1111L, 0x2222L), ike(0x3333L, 0x4444L), false);
        log.ikeSaRekeyed(ike(0x3333L, 0x4444L), ike(0x5555L, 0x6666L), true);
        List<String> lines = text.toString().lines().toList();
        assertTrue(lines.get(0).contains("IKE_SA rekeyed: site[0000000000001111_i 0000000000002222_r]"), lines.get(0));
        assertTrue(lines.get(0).contains("0000000000003333_i"), lines.get(0));
        assertTrue(lines.get(1).contains("IKE_SA reauthenticated: site[0000000000003333_i"), lines.get(1));
        assertTrue(lines.get(1).contains("0000000000005555_i"), lines.get(1));
    }

    @Test
    void aDeadPeerAndADeletedChildSaEachGetALine() {
        IkeSaInfo ike = ike(0x1111L, 0x2222L);
        log.livenessFailed(ike, "no answer to INFORMATIONAL #3 after 5 retransmissions");
        log.childSaDeleted(ike, child(0xc0000001, 0xc0000002), "rekeyed");
        List<String> lines = text.toString().lines().toList();
        assertEquals(
                "2026-12-06T12:00:00Z IKE_SA dead peer: site[0000000000001111_i 0000000000002222_r] initiator "
                        + "192.0.2.1:500 <-> 192.0.2.2:500: no answer to INFORMATIONAL #3 after 5 retransmissions",
                lines.get(0));
        assertTrue(
                lines.get(1).startsWith("2026-12-06T12:00:00Z CHILD_SA deleted: site{net} SPIs c0000001_i"),
                lines.get(1));
        assertTrue(lines.get(1).endsWith(": rekeyed"), lines.get(1));
    }

    /** With a data plane, the deletion line says what the SA carried (tests read a gateway's counters there). */
    @Test
    void aDeletedChildSaSaysWhatItCarried() {
        IkeSaInfo ike = ike(0x1111L, 0x2222L);
        log.childSaDeleted(ike, child(0xc0000001, 0xc0000002), "deleted by us", new ChildSaTraffic(3, 252, 4, 336));
        log.childSaDeleted(ike, child(0xc0000003, 0xc0000004), "deleted by us", ChildSaTraffic.NONE);
        List<String> lines = text.toString().lines().toList();
        assertTrue(
                lines.get(0).endsWith(": deleted by us; carried in 3 packets/252 octets, out 4 packets/336 octets"),
                lines.get(0));
        assertTrue(lines.get(1).endsWith(": deleted by us"), "nothing carried, nothing said: " + lines.get(1));
    }

    private static IkeSaInfo ike(long spiI, long spiR) {
        return new IkeSaInfo(
                "site",
                true,
                spiI,
                spiR,
                address("192.0.2.1"),
                address("192.0.2.2"),
                "branch.example",
                "gw.example",
                new IkeSuite(GCM, Prf.HMAC_SHA2_256, DhGroup.ECP_256),
                "ECDSA",
                "ECDSA",
                ResidencyTier.SEALED,
                false,
                true,
                List.of(),
                0);
    }

    private static ChildSaRecord child(int in, int out) {
        TrafficSelector ts = TrafficSelector.of(
                address("192.0.2.1").getAddress(), address("192.0.2.1").getAddress(), 0, 0, 65535);
        return new ChildSaRecord(
                "site",
                "net",
                0x1111L,
                0x2222L,
                in,
                out,
                new ChildSuite(GCM, null, false),
                ChildSaMode.TUNNEL,
                List.of(ts),
                List.of(ts),
                address("192.0.2.1"),
                address("192.0.2.2"),
                false,
                Duration.ofHours(1),
                NOW,
                true);
    }

    private static InetSocketAddress address(String a) {
        try {
            return new InetSocketAddress(InetAddress.getByName(a), 500);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
