package io.ikeseal.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.JacksonYAMLParseException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the YAML file into {@link YamlModel.Root}: kebab-case keys, unknown and duplicate keys are errors, and
 * every Jackson or SnakeYAML failure becomes a one-line {@link ConfigException} naming the key path (or the line
 * and column for a syntax error).
 */
final class YamlLoader {
    private static final ObjectMapper MAPPER = YAMLMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final String EMPTY = "empty configuration (needs at least audit: and tokens:)";
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

    private YamlLoader() {}

    static YamlModel.Root read(ConfigSource src) {
        try {
            return bind(src);
        } catch (ConfigException e) {
            // A syntax error inside a section reaches us wrapped in a mapping error that names only the section
            // ("tokens: while parsing a block collection"); the line and column are in the parser's exception.
            for (Throwable c = e.getCause(), d = null; c != null && c != d; d = c, c = c.getCause()) {
                if (c instanceof JacksonYAMLParseException y) {
                    throw syntax(src, y);
                }
            }
            throw e;
        }
    }

    private static YamlModel.Root bind(ConfigSource src) {
        try (InputStream in = Files.newInputStream(src.file())) {
            YamlModel.Root root = MAPPER.readValue(in, YamlModel.Root.class);
            if (root == null) {
                throw src.error("", EMPTY);
            }
            // Read a second time as a tree: the records cannot tell `port: ~` from a missing port, and an
            // explicit null silently taking the default (e.g. binding 500) is a mistake, not a choice.
            ExplicitNulls.refuse(src, MAPPER.readTree(src.file().toFile()));
            return root;
        } catch (NoSuchFileException e) {
            throw src.error("", "file not found");
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null
                    ? ""
                    : e.getKnownPropertyIds().stream()
                            .map(String::valueOf)
                            .sorted()
                            .collect(Collectors.joining(", ", " (expected one of: ", ")"));
            throw new ConfigException(src.file(), path(e.getPath()), "unknown key" + known, e);
        } catch (InvalidFormatException e) {
            throw new ConfigException(
                    src.file(),
                    path(e.getPath()),
                    "expected " + describe(e.getTargetType()) + ", was '" + e.getValue() + "'",
                    e);
        } catch (MismatchedInputException e) {
            if (e.getPath().isEmpty() && String.valueOf(e.getOriginalMessage()).startsWith("No content")) {
                throw src.error("", EMPTY);
            }
            throw new ConfigException(src.file(), path(e.getPath()), "expected " + describe(e.getTargetType()), e);
        } catch (JsonMappingException e) {
            Matcher dup = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
            if (dup.lookingAt()) {
                String at = path(e.getPath());
                throw new ConfigException(
                        src.file(),
                        (at.isEmpty() ? "" : at + ".") + dup.group(1),
                        "duplicate key" + (e.getLocation() == null ? "" : " (" + where(e.getLocation()) + ")"),
                        e);
            }
            throw new ConfigException(src.file(), path(e.getPath()), firstLine(e.getOriginalMessage()), e);
        } catch (JacksonYAMLParseException e) {
            throw syntax(src, e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(src.file(), where(e.getLocation()), firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw src.error(
                    "",
                    "cannot read: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
    }

    private static ConfigException syntax(ConfigSource src, JacksonYAMLParseException e) {
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
            String problem = m.getProblem() == null ? "malformed" : m.getProblem();
            String context = m.getContext() == null ? "" : " (" + m.getContext() + ")";
            return new ConfigException(
                    src.file(),
                    "line " + (m.getProblemMark().getLine() + 1) + ", column "
                            + (m.getProblemMark().getColumn() + 1),
                    "YAML syntax error: " + problem + context,
                    e);
        }
        return new ConfigException(
                src.file(), where(e.getLocation()), "YAML syntax error: " + firstLine(e.getOriginalMessage()), e);
    }

    private static String where(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 1 ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a different value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == String.class) {
            return "a single value (text)";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping (key: value)";
        }
        return type.getSimpleName();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
