package io.ikeseal.hsm.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadedModuleTest {
    @Test
    void everyReinitialisationGetsAShortPathOfItsOwnThatNamesTheSameFile(@TempDir Path dir) throws Exception {
        Path lib =
                Files.createFile(Files.createDirectories(dir.resolve("softhsm")).resolve("libx.so"));
        Set<String> seen = new HashSet<>();
        for (int n = 1; n <= 100_000; n++) {
            Path p = LoadedModule.respelled(lib, n);
            assertTrue(seen.add(p.toString()), "spelling " + n + " repeats: " + p);
            if (n % 9_973 == 1) {
                assertTrue(Files.isSameFile(lib, p), p + " names another file");
            }
        }
        Path last = LoadedModule.respelled(lib, 100_000);
        assertTrue(
                last.toString().length() < lib.toString().length() + 17 * "../softhsm/".length(),
                "grows with log n: " + last);
        assertEquals(
                lib.getParent() + "/../softhsm/./libx.so",
                LoadedModule.respelled(lib, 2).toString());
    }

    @Test
    void tokensOnOneLibraryFileShareOneModule(@TempDir Path dir) throws Exception {
        Path lib = Files.createFile(dir.resolve("liby.so"));
        Path link = Files.createSymbolicLink(dir.resolve("link.so"), lib);
        assertSame(LoadedModule.of(lib), LoadedModule.of(link));
        assertSame(LoadedModule.of(lib), LoadedModule.of(dir.resolve("./liby.so")));
        assertEquals(lib, LoadedModule.of(dir.resolve("./liby.so")).current().normalize());
    }
}
