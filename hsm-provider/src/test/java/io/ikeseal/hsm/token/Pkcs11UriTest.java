package io.ikeseal.hsm.token;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class Pkcs11UriTest {

    @Test
    void parsesRfc7512Examples() {
        // RFC 7512 §3.3 examples
        Pkcs11Uri u = Pkcs11Uri.parse("pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;"
                + "manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;"
                + "id=%69%95%3E%5C%F4%BD%EC%91;serial=?pin-source=file:/etc/token_pin");
        assertEquals("The Software PKCS#11 Softtoken", u.token());
        assertEquals("Snake Oil, Inc.", u.manufacturer());
        assertEquals("1.0", u.model());
        assertEquals("my-certificate", u.object());
        assertEquals("cert", u.type());
        assertArrayEquals(
                new byte[] {0x69, (byte) 0x95, 0x3E, 0x5C, (byte) 0xF4, (byte) 0xBD, (byte) 0xEC, (byte) 0x91}, u.id());
        assertEquals("", u.serial());
        assertEquals("file:/etc/token_pin", u.pinSource());
    }

    @Test
    void modulePathAndSlotId() {
        Pkcs11Uri u = Pkcs11Uri.parse("pkcs11:slot-id=7;object=ike?module-path=/usr/lib/softhsm/libsofthsm2.so");
        assertEquals(7L, u.slotId());
        assertEquals("/usr/lib/softhsm/libsofthsm2.so", u.modulePath());
        SlotSelector s = SlotSelector.fromUri(u);
        assertTrue(s.matches(new Pkcs11Module.SlotInfo(7, "x", "m", "mo", "s", 0)));
        assertFalse(s.matches(new Pkcs11Module.SlotInfo(8, "x", "m", "mo", "s", 0)));
    }

    @Test
    void utf8Label() {
        String label = "Schlüssel";
        Pkcs11Uri u = Pkcs11Uri.parse("pkcs11:token=Schl%C3%BCssel");
        assertEquals(label, u.token());
        assertEquals(label, new String(label.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    @Test
    void pinValueIsNeverPrinted() {
        Pkcs11Uri u = Pkcs11Uri.parse("pkcs11:token=a?pin-value=123456");
        assertTrue(u.hasPinValue());
        assertFalse(u.toString().contains("123456"), u.toString());
    }

    @Test
    void rejectsMalformed() {
        assertThrows(IllegalArgumentException.class, () -> Pkcs11Uri.parse("pkcs12:token=a"));
        assertThrows(IllegalArgumentException.class, () -> Pkcs11Uri.parse("pkcs11:tokn=a"));
        assertThrows(IllegalArgumentException.class, () -> Pkcs11Uri.parse("pkcs11:token=a;token=b"));
        assertThrows(IllegalArgumentException.class, () -> Pkcs11Uri.parse("pkcs11:token"));
        assertThrows(IllegalArgumentException.class, () -> Pkcs11Uri.parse("pkcs11:token=%4"));
        assertThrows(IllegalArgumentException.class, () -> Pkcs11Uri.parse("pkcs11:token=%zz"));
        assertThrows(IllegalArgumentException.class, () -> Pkcs11Uri.parse("pkcs11:token=a?pin=1"));
    }

    @Test
    void selectorNeedsSomething() {
        assertThrows(IllegalArgumentException.class, () -> new SlotSelector(null, null, null, null, null));
        assertEquals("token=gw;slot-id=3", new SlotSelector("gw", null, null, null, 3L).toString());
    }
}
