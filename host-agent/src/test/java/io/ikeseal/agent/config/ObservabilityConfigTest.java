package io.ikeseal.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.testhsm.DebianTools;

/** The metrics, logging and audit.syslog keys: defaults, values, and each error with the key it names. */
class ObservabilityConfigTest {
    private static final InetAddress LOOPBACK6 = loopback6();

    @TempDir
    Path dir;

    private static InetAddress loopback6() {
        byte[] a = new byte[16];
        a[15] = 1;
        try {
            return InetAddress.getByAddress(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private IkesealConfig load(String audit, String more) throws IOException {
        Files.createDirectories(dir.resolve("nssdb"));
        Path f = dir.resolve("ikeseal.yaml");
        Files.writeString(f, """
                audit:
                  log: audit.log
                %s
                tokens:
                  - name: hsm
                    module: %s
                    token: "NSS Certificate DB"
                    pin-env: IKESEAL_TEST_UNSET
                    nss-db: nssdb
                    roles: [key-exchange]
                %s
                """.formatted(audit, DebianTools.libSoftokn3(), more));
        return IkesealConfig.load(f);
    }

    @Test
    void offAndTextByDefault() throws IOException {
        IkesealConfig c = load("", "");
        assertNull(c.observability().metrics());
        assertEquals(LogFormat.TEXT, c.observability().logFormat());
        assertNull(c.audit().syslog());
    }

    @Test
    void values() throws IOException {
        IkesealConfig c = load(
                "  syslog: {udp: \"[::1]\", socket: /dev/log, facility: local3}",
                "metrics:\n  listen: \"[::1]:9109\"\nlogging:\n  format: json\n");
        assertEquals(
                new InetSocketAddress(LOOPBACK6, 9109),
                c.observability().metrics().listen());
        assertEquals(LogFormat.JSON, c.observability().logFormat());
        assertEquals(new InetSocketAddress(LOOPBACK6, 514), c.audit().syslog().udp());
        assertEquals(Path.of("/dev/log"), c.audit().syslog().socket());
        assertEquals(19, c.audit().syslog().facility());
        assertEquals(
                10, load("  syslog: {udp: 127.0.0.1:1514}", "").audit().syslog().facility());
        assertEquals(
                new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}), 9109),
                load("", "metrics: {listen: 192.0.2.1:9109, allow-non-loopback: true}")
                        .observability()
                        .metrics()
                        .listen());
    }

    @Test
    void errorsNameTheKey() {
        assertError("metrics.listen", "is not a loopback address", "", "metrics: {listen: 0.0.0.0:9109}");
        assertError("metrics.listen", "needs a port", "", "metrics: {listen: 127.0.0.1}");
        assertError("metrics.listen", "not an IP address literal", "", "metrics: {listen: localhost:9109}");
        assertError("logging.format", "expected text or json", "", "logging: {format: xml}");
        assertError("audit.syslog", "names no target", "  syslog: {facility: auth}", "");
        assertError("audit.syslog.facility", "expected one of", "  syslog: {udp: 127.0.0.1, facility: nope}", "");
        assertError("audit.syslog.socket", "absolute path", "  syslog: {socket: dev/log}", "");
    }

    private void assertError(String key, String problem, String audit, String more) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(audit, more));
        assertTrue(e.getMessage().contains(key + ": ") && e.getMessage().contains(problem), e.getMessage());
    }
}
