package io.ikeseal.testhsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.testhsm.junit.NssExtension;

/** pkcs11-spy in front of the softoken records every call, including C_Initialize with nssArgs. */
class SpiedNssTokenTest {
    @RegisterExtension
    static NssExtension spied = NssExtension.spied().withName("spied");

    @Test
    void spyLogShowsInitializeAndDeriveAndNoKeyLeavesTheToken() throws Exception {
        NssToken t = spied.token();
        NssTokenTest.assertHkdfMatchesHmac(t.provider());

        String log = Files.readString(t.spyLog());
        assertTrue(calls(log, "C_Initialize") == 1, "one C_Initialize per module copy");
        assertTrue(calls(log, "C_DeriveKey") >= 2, "ECDH and HKDF run as C_DeriveKey");
        // sealed templates: nothing (not even SunPKCS11's key-extraction feature) wraps keys out
        assertEquals(0, calls(log, "C_WrapKey"));
        assertFalse(log.contains("CKR_ARGUMENTS_BAD"), "the spy forwarded nssArgs in pReserved");
    }

    @Test
    void accessorsDescribeTheSpy() {
        NssToken t = spied.token();
        assertTrue(t.spied());
        assertTrue(t.library().getFileName().toString().startsWith("pkcs11-spy-"));
        assertEquals(t.softoken().toString(), t.environment().get("PKCS11SPY"));
        assertEquals(t.spyLog().toString(), t.environment().get("PKCS11SPY_OUTPUT"));
        assertTrue(t.sunPkcs11Config().contains("library = " + t.library()));
    }

    /** Spy entries look like "12: C_DeriveKey". */
    private static long calls(String log, String function) {
        return Pattern.compile("^\\d+: " + function + "$", Pattern.MULTILINE)
                .matcher(log)
                .results()
                .count();
    }
}
