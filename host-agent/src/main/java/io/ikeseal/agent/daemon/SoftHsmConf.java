package io.ikeseal.agent.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ikeseal.hsm.token.TokenSpec;

/**
 * SoftHSM reads {@code directories.tokendir} from its {@code SOFTHSM2_CONF} relative to the process's working
 * directory. A relative token directory is meant relative to the conf file (so a copied deployment, like a copied
 * {@code setup-demo} directory, uses its own tokens): such a conf is handed to SoftHSM as a private copy with the
 * directory resolved. A conf without a relative token directory is used as it is.
 */
final class SoftHsmConf {
    static final String VARIABLE = "SOFTHSM2_CONF";
    private static final Pattern TOKENDIR = Pattern.compile("^(\\s*directories\\.tokendir\\s*=\\s*)(\\S.*?)\\s*$");

    private SoftHsmConf() {}

    /** {@code spec}, or the same spec whose SOFTHSM2_CONF names a copy with the token directory resolved. */
    static TokenSpec resolved(TokenSpec spec) {
        String conf = spec.environment().get(VARIABLE);
        if (conf == null) {
            return spec;
        }
        Path file = Path.of(conf);
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            boolean changed = false;
            StringBuilder out = new StringBuilder();
            for (String line : lines) {
                Matcher m = TOKENDIR.matcher(line);
                if (m.matches() && !Path.of(m.group(2)).isAbsolute()) {
                    Path dir = file.toAbsolutePath()
                            .getParent()
                            .resolve(m.group(2))
                            .normalize();
                    line = m.group(1) + dir;
                    changed = true;
                }
                out.append(line).append('\n');
            }
            if (!changed) {
                return spec;
            }
            Path copy = Files.createTempFile(
                    "ikeseal-softhsm2-",
                    ".conf",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            copy.toFile().deleteOnExit();
            Files.writeString(copy, out, StandardCharsets.UTF_8);
            Map<String, String> env = new LinkedHashMap<>(spec.environment());
            env.put(VARIABLE, copy.toString());
            return new TokenSpec(
                    spec.name(),
                    spec.library(),
                    spec.slot(),
                    spec.pin(),
                    spec.nssArgs(),
                    env,
                    spec.roles(),
                    spec.tier(),
                    spec.threads());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + VARIABLE + " file " + file, e);
        }
    }
}
