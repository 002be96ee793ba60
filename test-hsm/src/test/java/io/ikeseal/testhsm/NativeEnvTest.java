package io.ikeseal.testhsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class NativeEnvTest {
    @Test
    void setIsVisibleToLibcGetenv() {
        assertNull(NativeEnv.get("IKESEAL_TESTHSM_UNSET_VARIABLE"));
        NativeEnv.set("IKESEAL_TESTHSM_PROBE", "a value with spaces");
        assertEquals("a value with spaces", NativeEnv.get("IKESEAL_TESTHSM_PROBE"));
        assertNull(System.getenv("IKESEAL_TESTHSM_PROBE"), "System.getenv is a start-up snapshot");
    }
}
