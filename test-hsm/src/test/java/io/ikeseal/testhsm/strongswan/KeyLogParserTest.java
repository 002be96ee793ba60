package io.ikeseal.testhsm.strongswan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;

/** The line formats charon 5.9.8 writes (ike_name = yes, time_format = %T, time_add_ms = yes). */
class KeyLogParserTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void initialIkeSaOfAnInitiatorBelongsToTheCheckinWithBothSpis() {
        String log = """
                11:48:02.100 01[MGR] <gw|1> checkin IKEv2 SA gw[1] with SPIs b98fa53d93ebecdd_i 0000000000000000_r
                11:48:02.110 03[NET] received packet: from 127.0.0.1[40501] to 127.0.0.1[40500] (272 bytes)
                11:48:02.111 16[MGR] checkout IKEv2 SA by message with SPIs b98fa53d93ebecdd_i e22f57351781a1e0_r
                11:48:02.112 16[IKE] <gw|1> shared Diffie Hellman secret => 4 bytes @ 0x55be588e90d0
                11:48:02.112 16[IKE] <gw|1>    0: C5 98 16 F4                                      ....
                11:48:02.112 16[IKE] <gw|1> SKEYSEED => 18 bytes @ 0x55be588f13d0
                11:48:02.112 16[IKE] <gw|1>    0: 39 6D 51 29 04 5A DC 44 38 67 17 2F F2 8F 03 94  9mQ).Z.D8g./....
                11:48:02.112 05[JOB] watcher going to poll() 4 fds
                11:48:02.112 16[IKE] <gw|1>   16: F9 9D                                            ..
                11:48:02.112 16[IKE] <gw|1> Sk_d secret => 2 bytes @ 0x55be588f13d0
                11:48:02.112 16[IKE] <gw|1>    0: B1 8E                                            ..
                11:48:02.112 16[IKE] <gw|1> Sk_ei secret => 3 bytes @ 0x55be588f1340
                11:48:02.112 16[IKE] <gw|1>    0: CB CE 84                                         ...
                11:48:02.112 16[IKE] <gw|1> Sk_er secret => 3 bytes @ 0x55be588f1364
                11:48:02.112 16[IKE] <gw|1>    0: B1 04 52                                         ..R
                11:48:02.112 16[IKE] <gw|1> Sk_pi secret => 2 bytes @ 0x55be588f1670
                11:48:02.112 16[IKE] <gw|1>    0: 5F 3D                                            _=
                11:48:02.112 16[IKE] <gw|1> Sk_pr secret => 2 bytes @ 0x55be588ee410
                11:48:02.112 16[IKE] <gw|1>    0: AA DB                                            ..
                11:48:02.113 16[IKE] <gw|1> octets = message + nonce + prf(Sk_px, IDx') => 2 bytes @ 0x55be588f20e0
                11:48:02.113 16[IKE] <gw|1>    0: 00 01                                            ..
                11:48:02.114 16[MGR] <gw|1> checkin IKEv2 SA gw[1] with SPIs b98fa53d93ebecdd_i e22f57351781a1e0_r
                """;
        CharonKeys keys = CharonKeys.parse(log);
        assertEquals(1, keys.ikeSas().size(), keys.ikeSas()::toString);
        IkeSaKeys k = keys.ike(0xb98fa53d93ebecddL, 0xe22f57351781a1e0L);
        assertEquals("gw", k.name());
        assertEquals(1, k.uniqueId());
        assertEquals(
                "396d5129045adc443867172ff28f0394f99d", k.hex(IkeKey.SKEYSEED), "a row from another thread in between");
        assertEquals("c59816f4", k.hex(IkeKey.SHARED_SECRET));
        assertEquals("b18e", k.hex(IkeKey.SK_D));
        assertEquals("cbce84", k.hex(IkeKey.SK_EI));
        assertEquals("b10452", k.hex(IkeKey.SK_ER));
        assertEquals("5f3d", k.hex(IkeKey.SK_PI));
        assertEquals("aadb", k.hex(IkeKey.SK_PR));
        assertFalse(k.has(IkeKey.SK_AI));
        assertEquals(0, k.skAi().length);
    }

    @Test
    void responderSaIsNamedOnceIkeAuthPickedItsConfig() {
        String log = """
                11:48:02.108 08[MGR] created IKE_SA (unnamed)[1]
                11:48:02.109 08[IKE] <1> SKEYSEED => 2 bytes @ 0x7f
                11:48:02.109 08[IKE] <1>    0: 01 02                                            ..
                11:48:02.109 08[IKE] <1> Sk_d secret => 2 bytes @ 0x7f
                11:48:02.109 08[IKE] <1>    0: 03 04                                            ..
                11:48:02.110 08[MGR] <1> checkin IKEv2 SA (unnamed)[1] with SPIs b98fa53d93ebecdd_i e22f57351781a1e0_r
                11:48:02.130 13[MGR] checkout IKEv2 SA by message with SPIs b98fa53d93ebecdd_i e22f57351781a1e0_r
                11:48:02.131 13[MGR] <gw|1> checkin IKEv2 SA gw[1] with SPIs b98fa53d93ebecdd_i e22f57351781a1e0_r
                """;
        IkeSaKeys k = CharonKeys.parse(log).ikeSas().getFirst();
        assertEquals("gw", k.name());
        assertEquals("0304", k.hex(IkeKey.SK_D));
    }

    @Test
    void rekeyedIkeSaKeysGoToTheNewSaOnBothSides() {
        // initiator: the new SA's keys are logged in the old SA's context, the new SA is checked in first
        String initiator = """
                11:48:31.100 13[MGR] checkout IKEv2 SA by message with SPIs a695659c8663eb10_i 3342cc5b0db404e5_r
                11:48:31.101 13[IKE] <gw|2> SKEYSEED => 1 bytes @ 0x7f
                11:48:31.101 13[IKE] <gw|2>    0: 11                                               .
                11:48:31.101 13[IKE] <gw|2> Sk_d secret => 1 bytes @ 0x7f
                11:48:31.101 13[IKE] <gw|2>    0: 22                                               "
                11:48:31.102 13[IKE] <gw|2> IKE_SA gw[3] state change: CONNECTING => ESTABLISHED
                11:48:31.102 13[MGR] <gw|2> checkin IKEv2 SA gw[3] with SPIs 0a7f5a0ae5d5000a_i 40f3b89443f6b81d_r
                11:48:31.103 13[MGR] <gw|2> checkin IKEv2 SA gw[2] with SPIs a695659c8663eb10_i 3342cc5b0db404e5_r
                """;
        // responder: logged in the new SA's context, checked in from the old one's
        String responder = """
                11:48:31.100 10[MGR] checkout IKEv2 SA by message with SPIs a695659c8663eb10_i 3342cc5b0db404e5_r
                11:48:31.101 10[IKE] <gw|3> SKEYSEED => 1 bytes @ 0x55
                11:48:31.101 10[IKE] <gw|3>    0: 11                                               .
                11:48:31.101 10[IKE] <gw|3> Sk_d secret => 1 bytes @ 0x55
                11:48:31.101 10[IKE] <gw|3>    0: 22                                               "
                11:48:31.102 10[MGR] <gw|2> checkin IKEv2 SA gw[3] with SPIs 0a7f5a0ae5d5000a_i 40f3b89443f6b81d_r
                11:48:31.103 10[MGR] <gw|2> checkin IKEv2 SA gw[2] with SPIs a695659c8663eb10_i 3342cc5b0db404e5_r
                """;
        for (String log : List.of(initiator, responder)) {
            CharonKeys keys = CharonKeys.parse(log);
            assertEquals(1, keys.ikeSas().size(), keys.ikeSas()::toString);
            IkeSaKeys k = keys.ike(0x0a7f5a0ae5d5000aL, 0x40f3b89443f6b81dL);
            assertEquals(3, k.uniqueId());
            assertEquals("22", k.hex(IkeKey.SK_D));
        }
    }

    @Test
    void keysOfAnSaThatNeverGotCheckedInAreNotGivenToTheNextOne() {
        String log = """
                11:00:00.001 16[MGR] checkout IKEv2 SA by message with SPIs 1111111111111111_i 2222222222222222_r
                11:00:00.002 16[IKE] <gw|1> SKEYSEED => 1 bytes @ 0x1
                11:00:00.002 16[IKE] <gw|1>    0: 01                                               .
                11:00:00.003 16[MGR] <gw|1> checkin and destroy IKE_SA gw[1]
                11:00:00.004 16[MGR] checkout IKEv2 SA by message with SPIs 3333333333333333_i 4444444444444444_r
                11:00:00.005 16[MGR] <gw|2> checkin IKEv2 SA gw[2] with SPIs 3333333333333333_i 4444444444444444_r
                """;
        assertEquals(List.of(), CharonKeys.parse(log).ikeSas());
    }

    @Test
    void childSaKeysBelongToTheNextEstablishedLineOfTheirThread() {
        String log = """
                11:48:02.120 12[CHD] <gw|1>   using AES_CBC for encryption
                11:48:02.120 12[CHD] <gw|1> seed => 2 bytes @ 0x7fe638b58960
                11:48:02.120 12[CHD] <gw|1>    0: 34 4A                                            4J
                11:48:02.121 12[CHD] <gw|1> encryption initiator key => 2 bytes @ 0x55
                11:48:02.121 12[CHD] <gw|1>    0: F6 FC                                            ..
                11:48:02.121 12[CHD] <gw|1> encryption responder key => 2 bytes @ 0x55
                11:48:02.121 12[CHD] <gw|1>    0: C2 B0                                            ..
                11:48:02.121 12[CHD] <gw|1> integrity initiator key => 2 bytes @ 0x55
                11:48:02.121 12[CHD] <gw|1>    0: AA BB                                            ..
                11:48:02.121 12[CHD] <gw|1> integrity responder key => 2 bytes @ 0x55
                11:48:02.121 12[CHD] <gw|1>    0: CC DD                                            ..
                11:48:02.122 12[CHD] <gw|1> adding inbound ESP SA
                11:48:02.122 12[CHD] <gw|1>   SPI 0x80efe284, src 127.0.0.1 dst 127.0.0.1
                11:48:02.123 12[IKE] <gw|1> CHILD_SA net{1} established with SPIs 80efe284_i 6afbf46f_o and TS 127.0.0.1/32 === 127.0.0.1/32
                11:48:31.100 11[CHD] <gw|2> DH secret => 2 bytes @ 0x7f
                11:48:31.100 11[CHD] <gw|2>    0: 0D 0E                                            ..
                11:48:31.101 11[CHD] <gw|2> encryption initiator key => 2 bytes @ 0x7f
                11:48:31.101 11[CHD] <gw|2>    0: 01 02                                            ..
                11:48:31.101 11[CHD] <gw|2> encryption responder key => 2 bytes @ 0x7f
                11:48:31.101 11[CHD] <gw|2>    0: 03 04                                            ..
                11:48:31.102 11[IKE] <gw|2> inbound CHILD_SA net{3} established with SPIs 6deb534c_i 1bf9b6d9_o and TS 127.0.0.1/32 === 127.0.0.1/32
                11:48:31.103 11[IKE] <gw|2> outbound CHILD_SA net{3} established with SPIs 6deb534c_i 1bf9b6d9_o and TS 127.0.0.1/32 === 127.0.0.1/32
                """;
        CharonKeys keys = CharonKeys.parse(log);
        assertEquals(2, keys.childSas().size(), keys.childSas()::toString);
        ChildSaKeys first = keys.child(0x6afbf46f);
        assertEquals(first, keys.child(0x80efe284));
        assertEquals("net", first.name());
        assertEquals(1, first.uniqueId());
        assertEquals(1, first.ikeUniqueId());
        assertEquals("f6fc", first.hex(ChildKey.ENCRYPTION_INITIATOR));
        assertEquals("c2b0", first.hex(ChildKey.ENCRYPTION_RESPONDER));
        assertEquals("aabb", first.hex(ChildKey.INTEGRITY_INITIATOR));
        assertEquals("ccdd", first.hex(ChildKey.INTEGRITY_RESPONDER));
        assertFalse(first.has(ChildKey.DH_SECRET));
        ChildSaKeys rekeyed = keys.child(0x6deb534c);
        assertEquals(3, rekeyed.uniqueId());
        assertEquals(0x1bf9b6d9, rekeyed.spiOut());
        assertEquals("0d0e", rekeyed.hex(ChildKey.DH_SECRET));
        assertFalse(rekeyed.has(ChildKey.INTEGRITY_INITIATOR));
        assertThrows(NoSuchElementException.class, () -> keys.child(0x12345678));
    }

    @Test
    void aTornDumpIsDropped() {
        String log = """
                11:00:00.001 16[MGR] checkout IKEv2 SA by message with SPIs 1111111111111111_i 2222222222222222_r
                11:00:00.002 16[IKE] <gw|1> SKEYSEED => 20 bytes @ 0x1
                11:00:00.002 16[IKE] <gw|1>    0: 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10  ................
                11:00:00.003 16[IKE] <gw|1> Sk_d secret => 1 bytes @ 0x1
                11:00:00.003 16[IKE] <gw|1>    0: 01                                               .
                11:00:00.005 16[MGR] <gw|1> checkin IKEv2 SA gw[1] with SPIs 1111111111111111_i 2222222222222222_r
                """;
        assertEquals(List.of(), CharonKeys.parse(log).ikeSas(), "no SKEYSEED, no key set");
    }

    @Test
    void differencesNameKeysWithoutShowingThem() {
        var a = new IkeSaKeys("gw", 1, 1, 2, java.util.Map.of(IkeKey.SKEYSEED, hex("0102"), IkeKey.SK_D, hex("03")));
        var b = new IkeSaKeys("gw", 1, 1, 2, java.util.Map.of(IkeKey.SKEYSEED, hex("0102"), IkeKey.SK_D, hex("04")));
        assertEquals(List.of(), a.differences(a));
        assertEquals(List.of("SK_D differs"), a.differences(b));
        assertTrue(a.toString().contains("SK_D(1)") && !a.toString().contains("0102"), a::toString);
    }
}
