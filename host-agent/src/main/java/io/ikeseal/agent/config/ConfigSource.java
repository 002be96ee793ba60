package io.ikeseal.agent.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file being validated: builds {@link ConfigException}s and resolves relative paths against the file's
 * directory (never against the working directory, so a daemon and its CLI see the same files).
 */
public record ConfigSource(Path file) {

    public ConfigSource {
        file = file.toAbsolutePath().normalize();
    }

    public Path directory() {
        Path parent = file.getParent();
        return parent != null ? parent : file.getRoot();
    }

    public ConfigException error(String keyPath, String problem) {
        return new ConfigException(file, keyPath, problem);
    }

    /** Resolves a path relative to the config file's directory. */
    public Path resolve(String path) {
        return directory().resolve(path).normalize();
    }

    /** Resolves {@code path} and requires an existing regular file there. */
    public Path existingFile(String keyPath, String path) {
        Path p = resolve(requireText(keyPath, path));
        if (!Files.exists(p)) {
            throw error(keyPath, "file not found: " + p);
        }
        if (!Files.isRegularFile(p)) {
            throw error(keyPath, "not a regular file: " + p);
        }
        if (!Files.isReadable(p)) {
            throw error(keyPath, "file not readable: " + p);
        }
        return p;
    }

    /** Resolves {@code path} and requires an existing directory there. */
    public Path existingDirectory(String keyPath, String path) {
        Path p = resolve(requireText(keyPath, path));
        if (!Files.isDirectory(p)) {
            throw error(keyPath, "directory not found: " + p);
        }
        return p;
    }

    public String requireText(String keyPath, String value) {
        if (value == null) {
            throw error(keyPath, "required");
        }
        if (value.isBlank()) {
            throw error(keyPath, "must not be empty");
        }
        return value;
    }

    /** A name others refer to (tokens, identities, connections, children): {@link TokenConfig#NAME}. */
    public String requireName(String keyPath, String value) {
        String name = requireText(keyPath, value);
        if (!TokenConfig.NAME.matcher(name).matches()) {
            throw error(
                    keyPath,
                    "must be 1..64 of A-Z a-z 0-9 . _ - (starting with a letter or digit), was '" + name + "'");
        }
        return name;
    }

    public static String index(String list, int i) {
        return list + "[" + i + "]";
    }
}
