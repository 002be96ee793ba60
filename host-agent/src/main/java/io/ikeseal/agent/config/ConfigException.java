package io.ikeseal.agent.config;

import java.nio.file.Path;

/**
 * The configuration is wrong. The message is {@code FILE: KEY.PATH: what is wrong} (for example
 * {@code /etc/ikeseal/ikeseal.yaml: tokens[1].tier: must be sealed or compat, was 'seal'}), one line, and never
 * carries a PIN or key value.
 */
public class ConfigException extends RuntimeException {
    private final Path file;
    private final String keyPath;
    private final String problem;

    public ConfigException(Path file, String keyPath, String problem) {
        this(file, keyPath, problem, null);
    }

    public ConfigException(Path file, String keyPath, String problem, Throwable cause) {
        super(file + ": " + (keyPath == null || keyPath.isEmpty() ? "" : keyPath + ": ") + problem, cause);
        this.file = file;
        this.keyPath = keyPath;
        this.problem = problem;
    }

    /** The configuration file. */
    public Path file() {
        return file;
    }

    /** Where in the file, e.g. {@code tokens[1].module}, or {@code line 3, column 7} for a syntax error. */
    public String keyPath() {
        return keyPath;
    }

    /** What is wrong, without the file and key path. */
    public String problem() {
        return problem;
    }
}
