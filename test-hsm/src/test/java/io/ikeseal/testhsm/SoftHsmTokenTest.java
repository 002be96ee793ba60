package io.ikeseal.testhsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoftHsmTokenTest {
    @TempDir
    Path base;

    @Test
    void closeLogsOutAndDeletesTheTokenDirectory() throws Exception {
        SoftHsmToken t = SoftHsmToken.create(base, "lifecycle");
        Path dir = t.dir();
        assertTrue(Files.isRegularFile(t.conf()));
        assertTrue(Files.readString(t.conf()).contains("directories.tokendir = " + dir.resolve("tokens")));
        t.generateIdentity("k", KeyKind.EC_P256, TestCa.shared(), "CN=k", List.of());
        t.close();
        assertFalse(Files.exists(dir));
        assertThrows(IllegalStateException.class, t::provider);
        t.close(); // idempotent
    }

    @Test
    void slotIsFoundByLabel() {
        String out = """
                Available slots:
                Slot 1673317324
                    Slot info:
                        Description:      SoftHSM slot ID 0x63bccbcc
                    Token info:
                        Label:            gateway
                Slot 1
                    Token info:
                        Label:
                """;
        assertEquals(1673317324L, SoftHsmToken.parseSlot(out, "gateway"));
        assertThrows(IllegalStateException.class, () -> SoftHsmToken.parseSlot(out, "other"));
    }
}
