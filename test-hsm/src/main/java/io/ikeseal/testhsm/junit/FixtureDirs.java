package io.ikeseal.testhsm.junit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where extensions put token directories: -Dikeseal.testhsm.dir, else target/test-hsm, else java.io.tmpdir. */
final class FixtureDirs {
    private FixtureDirs() {}

    static Path baseDir() {
        String configured = System.getProperty("ikeseal.testhsm.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        Path target = Path.of("target").toAbsolutePath();
        if (Files.isDirectory(target)) {
            return target.resolve("test-hsm");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "ikeseal-test-hsm");
    }
}
