package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.agent.metrics.MetricsEndpoint;
import io.ikeseal.agent.metrics.TextFormat;
import io.ikeseal.agent.sa.RecordingInstaller;
import io.ikeseal.hsm.audit.Rfc5424;

/**
 * Issue 13 item 3 against real SAs: a gateway with its own tokens whose configuration turns on the metrics endpoint
 * and mirrors the audit log to syslog, over UDP to a socket of this test and to a local socket that does not exist
 * (a syslog daemon that is down), and a branch office of the shared scenario. The /metrics text parses strictly and
 * its counters move with the SAs made; the collector receives RFC 5424 messages without a secret; the mirror that is
 * down costs only counted copies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    /** RFC 5424 §6: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]}. */
    private static final Pattern SYSLOG = Pattern.compile(
            "<(\\d{1,3})>1 (\\S+) ([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) ([!-~]{1,32}) (\\[\\S+(?: [a-zA-Z]+=\"(?:[^\"\\\\\\]]|\\\\[\"\\\\\\]])*\")*\\])(?: ([ -~]*))?");

    private Path base;
    private TestDeployment d;
    private DatagramSocket collector;
    private TokenSet tokens;
    private Side gw;
    private MetricsEndpoint endpoint;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void gateway() throws Exception {
        base = Files.createTempDirectory("ikeseal-obs");
        d = TestDeployment.create(Files.createDirectory(base.resolve("gateway")));
        collector = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        collector.setReceiveBufferSize(1 << 20);
        String audit = "  log: " + base.resolve("gateway-audit.log") + "\n";
        String sections = d.tokenSections(
                base.resolve("gateway-audit.log").toString(),
                List.of(TestDeployment.PSK),
                List.of("ca.pem", scenario.deployment().caPem().toString()));
        assertTrue(sections.contains(audit), sections);
        Path cfg = d.dir().resolve("gateway.yaml");
        Files.writeString(
                cfg,
                sections.replace(
                                audit,
                                audit + "  syslog:\n    udp: 127.0.0.1:" + collector.getLocalPort() + "\n    socket: "
                                        + base.resolve("no-syslogd-here.sock") + "\n")
                        + ConnectionYaml.gateway().yaml()
                        + "metrics:\n  listen: 127.0.0.1:0\nlogging:\n  format: json\n",
                StandardCharsets.UTF_8);
        IkesealConfig config = IkesealConfig.load(cfg);
        tokens = new TokenSet(config);
        EventRecorder events = new EventRecorder();
        RecordingInstaller installer = new RecordingInstaller();
        IkeDaemon daemon = IkeDaemon.start(
                config,
                tokens,
                IkeDaemon.Options.defaults()
                        .withPorts(0, 0)
                        .withInstaller(installer)
                        .withEvents(events)
                        .withSettings(Scenario.FAST.apply(config.ike().exchange())));
        gw = new Side("gateway", daemon, events, installer, new CapturingInstaller());
        endpoint = MetricsEndpoint.start(
                config.observability().metrics().listen(), List.of(new DaemonMetrics(daemon, tokens)));
    }

    @AfterAll
    void close() throws IOException {
        try {
            if (endpoint != null) endpoint.close();
            if (gw != null) gw.close();
            if (tokens != null) tokens.close();
            if (collector != null) collector.close();
            if (d != null) d.close();
        } finally {
            try (Stream<Path> files = Files.walk(base)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private TextFormat scrape() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://" + addr() + "/metrics"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(
                MetricsEndpoint.CONTENT_TYPE,
                r.headers().firstValue("Content-Type").orElse(""));
        return TextFormat.parse(r.body());
    }

    private String addr() {
        return "127.0.0.1:" + endpoint.address().getPort();
    }

    @Test
    void countersMoveWithRealSasAndTheTextParsesStrictly() throws Exception {
        TextFormat before = scrape();
        try (Side br = scenario.start(
                "branch", List.of("ca.pem", d.caPem().toString()), ConnectionYaml.branch(gw), Scenario.FAST)) {
            Scenario.Established sa = Scenario.establish(br, gw);
            TextFormat up = scrape();
            assertEquals(
                    1,
                    up.value("ikeseal_ike_sa_established_total", "role", "responder")
                            - before.value("ikeseal_ike_sa_established_total", "role", "responder"));
            assertEquals(0, up.value("ikeseal_ike_sa_established_total", "role", "initiator"));
            assertEquals(1, up.value("ikeseal_child_sas") - before.value("ikeseal_child_sas"));
            assertTrue(up.value("ikeseal_ike_sas") >= 1);
            assertEquals(
                    1,
                    up.value("ikeseal_child_sa_established_total")
                            - before.value("ikeseal_child_sa_established_total"));
            // The gateway's ECDH and key schedule ran in its HSM, its signature in its smartcard: timed per operation.
            assertTrue(
                    up.value("ikeseal_token_operation_duration_seconds_count", "token", "hsm", "operation", "dh-derive")
                            > before.value(
                                    "ikeseal_token_operation_duration_seconds_count",
                                    "token",
                                    "hsm",
                                    "operation",
                                    "dh-derive"));
            assertTrue(up.sum("ikeseal_token_operation_duration_seconds_count", "token", "smartcard")
                    > before.sum("ikeseal_token_operation_duration_seconds_count", "token", "smartcard"));
            assertTrue(up.value("ikeseal_token_queue_wait_seconds_count", "token", "hsm") > 0);
            assertTrue(up.value("ikeseal_audit_flush_duration_seconds_count")
                    > before.value("ikeseal_audit_flush_duration_seconds_count"));
            assertTrue(up.value("ikeseal_audit_records_written_total") > 0);
            assertEquals(0, up.value("ikeseal_token_queue_depth", "token", "hsm"));
            assertEquals(1, up.value("ikeseal_token_ready", "token", "smartcard"));
            assertEquals(0, up.value("ikeseal_audit_log_broken"));
            assertTrue(up.families().containsKey("ikeseal_datagrams_dropped_total"));
            assertTrue(up.families().containsKey("ikeseal_cookies_sent_total"));

            // A branch office whose proposal the gateway does not serve: refused in IKE_SA_INIT, counted by reason.
            try (Side wrong = scenario.start(
                    "branch",
                    List.of("ca.pem", d.caPem().toString()),
                    ConnectionYaml.branch(gw).proposals("aes256gcm16-prfsha256-ecp384"),
                    Scenario.FAST)) {
                Scenario.failure(wrong.initiate("gateway"));
            }
            TextFormat refused = scrape();
            assertEquals(
                    1,
                    refused.value("ikeseal_ike_sa_failed_total", "role", "responder", "reason", "no_proposal_chosen")
                            - up.value(
                                    "ikeseal_ike_sa_failed_total",
                                    "role",
                                    "responder",
                                    "reason",
                                    "no_proposal_chosen"));

            br.daemon().gateway().deleteAll("bye", Scenario.WAIT);
            Scenario.await("the gateway's CHILD_SA gauge back to 0", () -> {
                try {
                    return scrape().value("ikeseal_child_sas") == 0;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            TextFormat down = scrape();
            assertEquals(
                    1,
                    down.value("ikeseal_ike_sa_ended_total", "cause", "peer_delete")
                            - before.value("ikeseal_ike_sa_ended_total", "cause", "peer_delete"));
            assertTrue(sa.responder().spiI() != 0);
            // The local syslog socket is not there: its copies are dropped and counted, and the SA came up anyway.
            assertTrue(down.value("ikeseal_audit_syslog_dropped_total", "reason", "send-failed") > 0);
            assertTrue(down.value("ikeseal_audit_syslog_sent_total") > 0);
        }
    }

    @Test
    void theCollectorReceivesRfc5424WithoutSecrets() throws Exception {
        try (Side br = scenario.start(
                "branch", List.of("ca.pem", d.caPem().toString()), ConnectionYaml.branch(gw), Scenario.FAST)) {
            Scenario.establish(br, gw);
            br.daemon().gateway().deleteAll("bye", Scenario.WAIT);
        }
        tokens.audit().barrier(null).get(10, java.util.concurrent.TimeUnit.SECONDS);
        long records = Files.readAllLines(base.resolve("gateway-audit.log")).size();
        List<String> secrets = new ArrayList<>();
        for (TokenConfig t : IkesealConfig.load(d.dir().resolve("gateway.yaml")).tokens()) {
            secrets.add(new String(t.pin().read()));
        }
        List<String> got = new ArrayList<>();
        collector.setSoTimeout(2000);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (got.size() < records && System.nanoTime() < deadline) {
            DatagramPacket p = new DatagramPacket(new byte[8192], 8192);
            try {
                collector.receive(p);
            } catch (SocketTimeoutException e) {
                break;
            }
            got.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
        }
        assertTrue(got.size() >= records, got.size() + " messages for " + records + " records");
        boolean signed = false;
        for (String m : got) {
            Matcher x = SYSLOG.matcher(m);
            assertTrue(x.matches(), "not RFC 5424: " + m);
            int pri = Integer.parseInt(x.group(1));
            assertEquals(10, pri / 8, "facility authpriv: " + m);
            assertTrue(pri % 8 == 6 || pri % 8 == 5 || pri % 8 == 4, m);
            assertFalse(OffsetDateTime.parse(x.group(2)).toInstant().isAfter(java.time.Instant.now()), m);
            assertEquals("ikeseal", x.group(4));
            assertEquals(Long.toString(ProcessHandle.current().pid()), x.group(5));
            assertTrue(x.group(7).startsWith("[" + Rfc5424.SD_ID + " "), m);
            for (String s : secrets) {
                assertFalse(m.contains(s), "a PIN in a syslog message");
            }
            signed |= x.group(6).equals("sign") && m.contains("token=\"smartcard\"");
        }
        assertTrue(signed, "the gateway's IKE_AUTH signature is among the messages");
    }

    @Test
    void notFoundAndMethodNotAllowed() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://" + addr() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        r = http.send(
                HttpRequest.newBuilder(URI.create("http://" + addr() + "/metrics"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
    }
}
