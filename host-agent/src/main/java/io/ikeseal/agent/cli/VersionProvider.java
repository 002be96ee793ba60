package io.ikeseal.agent.cli;

import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine;

/**
 * The version from the jar's Maven metadata ("development build" when run from classes). Public so that the
 * commands of {@link CliExtension}s print the same {@code --version}.
 */
public final class VersionProvider implements CommandLine.IVersionProvider {

    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/META-INF/maven/io.ikeseal/host-agent/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (java.io.IOException e) {
            // fall through
        }
        return "development build";
    }

    /** The commit and its date from META-INF/ikeseal-build.properties (scripts/build-info), or "" without it. */
    static String build() {
        try (InputStream in = Main.class.getResourceAsStream("/META-INF/ikeseal-build.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String commit = p.getProperty("commit", "").strip();
                String date = p.getProperty("date", "").strip();
                return commit.isEmpty() ? "" : " (commit " + commit + (date.isEmpty() ? "" : ", " + date) + ")";
            }
        } catch (java.io.IOException e) {
            // fall through
        }
        return "";
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "ikeseal " + version() + build(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), PKCS#11 through SunPKCS11",
        };
    }
}
