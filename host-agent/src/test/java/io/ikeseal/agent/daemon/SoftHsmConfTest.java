package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.PinSource;
import io.ikeseal.hsm.token.SlotSelector;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.hsm.token.TokenSpec;

/** A relative SoftHSM token directory means relative to its conf file, whatever the working directory. */
class SoftHsmConfTest {
    @TempDir
    Path dir;

    private TokenSpec spec(Path conf) {
        return new TokenSpec(
                "smartcard",
                Path.of("/usr/lib/softhsm/libsofthsm2.so"),
                SlotSelector.byLabel("ids"),
                PinSource.none(),
                null,
                Map.of(SoftHsmConf.VARIABLE, conf.toString(), "OTHER", "kept"),
                Set.of(TokenRole.IDENTITY),
                ResidencyTier.SEALED,
                1);
    }

    @Test
    void relativeTokenDirectoryIsResolvedAgainstTheConf() throws Exception {
        Path conf = Files.writeString(
                Files.createDirectories(dir.resolve("demo/softhsm-ids")).resolve("softhsm2.conf"),
                "# comment\ndirectories.tokendir = tokens\nobjectstore.backend = file\n");
        TokenSpec resolved = SoftHsmConf.resolved(spec(conf));
        Path copy = Path.of(resolved.environment().get(SoftHsmConf.VARIABLE));
        assertNotEquals(conf, copy);
        assertEquals(
                "# comment\ndirectories.tokendir = " + dir.resolve("demo/softhsm-ids/tokens")
                        + "\nobjectstore.backend = file\n",
                Files.readString(copy));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
        assertEquals("kept", resolved.environment().get("OTHER"));
        assertEquals(spec(conf).library(), resolved.library());
    }

    @Test
    void absoluteTokenDirectoryIsUsedAsWritten() throws Exception {
        Path conf = Files.writeString(dir.resolve("softhsm2.conf"), "directories.tokendir = /var/lib/softhsm/tokens\n");
        TokenSpec spec = spec(conf);
        assertSame(spec, SoftHsmConf.resolved(spec));
    }

    @Test
    void noSoftHsmConfNoChange() {
        TokenSpec spec = new TokenSpec(
                "hsm",
                Path.of("/usr/lib/x86_64-linux-gnu/libsoftokn3.so"),
                SlotSelector.byLabel("NSS Certificate DB"),
                PinSource.none(),
                null,
                Map.of(),
                Set.of(TokenRole.KEY_EXCHANGE),
                ResidencyTier.SEALED,
                1);
        assertSame(spec, SoftHsmConf.resolved(spec));
    }
}
