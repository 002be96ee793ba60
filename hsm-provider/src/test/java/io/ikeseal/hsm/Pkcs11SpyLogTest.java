package io.ikeseal.hsm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leak detector must see a leak when there is one, or the sealing test proves nothing. */
class Pkcs11SpyLogTest {
    private static final String DERIVE_SECRET = """
            10: C_DeriveKey
            [in] hSession = 0x1
            [in] pMechanism->type = CKM_ECDH1_DERIVE
            [in] pTemplate[2]:
                CKA_CLASS             CKO_SECRET_KEY
                CKA_SENSITIVE         True
            [out] hKey = 0x4
            Returned:  0 CKR_OK
            """;
    private static final String DERIVE_DATA = """
            11: C_DeriveKey
            [in] hSession = 0x1
            [in] pMechanism->type = 0x0000402B
            [in] pTemplate[1]:
                CKA_CLASS             CKO_DATA
            [out] hKey = 0x7
            Returned:  0 CKR_OK
            """;

    private static String read(int n, String handle) {
        return n + ": C_GetAttributeValue\n[in] hSession = 0x1\n[in] hObject = " + handle
                + "\n[in] pTemplate[1]: \n    CKA_VALUE             0000000000000000 / 0\n"
                + "[out] pTemplate[1]: \n    CKA_VALUE             0000000000000000 / 32\nReturned:  0 CKR_OK\n";
    }

    @Test
    void readingDataOutputIsFine(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("spy.log"), DERIVE_SECRET + DERIVE_DATA + read(12, "0x7"));
        Pkcs11SpyLog spy = Pkcs11SpyLog.read(log);
        assertEquals(3, spy.calls().size());
        assertEquals(java.util.List.of(), spy.leaks());
    }

    @Test
    void readingASecretKeyIsALeak(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("spy.log"), DERIVE_SECRET + DERIVE_DATA + read(12, "0x4"));
        assertEquals(1, Pkcs11SpyLog.read(log).leaks().size());
        assertTrue(Pkcs11SpyLog.read(log).leaks().get(0).contains("of secret object 0x4 (succeeded)"));
    }

    @Test
    void readingAnUnknownObjectOrWrappingIsALeak(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("spy.log"), read(1, "0x9")
                + "2: C_WrapKey\n[in] hSession = 0x1\nReturned:  0 CKR_OK\n");
        assertEquals(2, Pkcs11SpyLog.read(log).leaks().size());
    }

    @Test
    void attributeLengthQueriesAreNotValueReads(@TempDir Path dir) throws Exception {
        String lenQuery = """
                5: C_GetAttributeValue
                [in] hObject = 0x4
                [in] pTemplate[1]:\s
                    CKA_VALUE_LEN         0000000000000000 / 0
                Returned:  0 CKR_OK
                """;
        Path log = Files.writeString(dir.resolve("spy.log"), DERIVE_SECRET + lenQuery);
        assertEquals(java.util.List.of(), Pkcs11SpyLog.read(log).leaks());
    }
}
