package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.RecordingInstaller;
import io.ikeseal.agent.sa.SaEvents;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.testhsm.TestCa;

/**
 * What the scenario tests share, as a JUnit extension: one throw-away {@link TestDeployment} and one {@link TokenSet}
 * for the whole test run (its RSA-3072 identities take seconds to make, and a PKCS#11 module copy stays loaded for
 * the JVM's life anyway), plus a second PSK and a CA that issued nothing, for the refusals. Every daemon a test
 * starts on it gets free ports, its own counters, an {@link EventRecorder} and a {@link RecordingInstaller}; all of
 * them write to the TokenSet's one audit log, so the two ends of an SA are told apart by the peer in the records.
 */
final class Scenario implements BeforeAllCallback {
    static final Duration WAIT = Duration.ofSeconds(10);
    /** First retransmission after 500 ms, then ×1.5, 3 times: an initiator gives up after about 4 s. */
    static final UnaryOperator<ExchangeSettings> FAST =
            s -> s.withRetransmit(Duration.ofMillis(500), 1.5, 3).withClosedLinger(Duration.ofSeconds(1));
    /** A PSK of the HSM other than {@link TestDeployment#PSK}, with another value. */
    static final String OTHER_PSK = "other-psk";
    /** A CA certificate that issued none of the deployment's identities. */
    static final String OTHER_CA = "other-ca.pem";

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(Scenario.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger DAEMONS = new AtomicInteger();

    private Shared shared;

    @Override
    public void beforeAll(ExtensionContext context) {
        shared = context.getRoot().getStore(NS).getOrComputeIfAbsent(Shared.class, k -> Shared.create(), Shared.class);
    }

    /** The deployment and its tokens, created on first use and closed when the whole test run ends. */
    private record Shared(Path dir, TestDeployment deployment, TokenSet tokens, Path auditDir, Path auditLog)
            implements ExtensionContext.Store.CloseableResource {
        static Shared create() {
            try {
                Path dir = Files.createTempDirectory("ikeseal-scenarios");
                TestDeployment d = TestDeployment.create(dir);
                TestCa.create("CN=a CA that issued nothing here,O=elsewhere").writePem(dir.resolve(OTHER_CA));
                Path auditDir = auditDir(dir);
                Path base = d.writeConfig(
                        "shared", auditDir.resolve("shared-audit.log").toString(), "");
                IkesealConfig config = IkesealConfig.load(base);
                TokenSet tokens = new TokenSet(config);
                Token hsm = tokens.open(config.token("hsm").orElseThrow());
                byte[] other = new byte[32];
                new SecureRandom().nextBytes(other);
                Token.await(PresharedKeys.importPsk(hsm, OTHER_PSK, other, true));
                return new Shared(dir, d, tokens, auditDir, config.audit().log());
            } catch (Exception e) {
                throw new IllegalStateException("scenario deployment: " + e, e);
            }
        }

        /**
         * Where the run's audit log goes: on tmpfs (/dev/shm) where there is one. Each outgoing message waits for the
         * log's fsync (a barrier on the group commit, docs/audit.md); exchanges run one after another cannot share one, so a test of
         * thousands of them (LifecycleLeakTest) would measure this disk's fsync, several per rekey, not the daemons.
         * The log's durability has tests of its own (hsm-provider's audit tests, AuditDiskFullTest).
         */
        private static Path auditDir(Path dir) throws IOException {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "ikeseal-scenario-audit")
                    : dir;
        }

        @Override
        public void close() throws IOException {
            try {
                tokens.close();
            } finally {
                deployment.close();
                for (Path d : List.of(auditDir, dir)) {
                    try (Stream<Path> files = Files.walk(d)) {
                        files.sorted(Comparator.reverseOrder())
                                .forEach(p -> p.toFile().delete());
                    }
                }
            }
        }
    }

    TestDeployment deployment() {
        return shared.deployment();
    }

    /** The shared open token {@code name} ("smartcard" or "hsm"), which every daemon of the test run uses. */
    Token token(String name) throws Exception {
        IkesealConfig config = IkesealConfig.load(shared.dir().resolve("shared.yaml"));
        return shared.tokens().open(config.token(name).orElseThrow());
    }

    /** Starts a daemon on {@code yaml} with {@link #FAST} timers on top of its {@code ike:} section. */
    Side start(String name, ConnectionYaml yaml) throws IOException {
        return start(name, yaml, FAST);
    }

    Side start(String name, ConnectionYaml yaml, UnaryOperator<ExchangeSettings> settings) throws IOException {
        return start(name, List.of("ca.pem"), yaml, settings);
    }

    /**
     * Starts a daemon: its configuration is the deployment's token sections (both PSK names, {@code trust}) and
     * {@code yaml}; {@code settings} adjusts the exchange settings its {@code ike:} section gives.
     */
    Side start(String name, List<String> trust, ConnectionYaml yaml, UnaryOperator<ExchangeSettings> settings)
            throws IOException {
        return start(name, trust, yaml.yaml(), settings);
    }

    /** As {@link #start(String, List, ConnectionYaml, UnaryOperator)}, with listen, ike and connections as text. */
    Side start(String name, List<String> trust, String yaml, UnaryOperator<ExchangeSettings> settings)
            throws IOException {
        IkesealConfig config = config(name, trust, yaml);
        EventRecorder events = new EventRecorder();
        RecordingInstaller installer = new RecordingInstaller();
        CapturingInstaller keys = new CapturingInstaller();
        ChildSaInstaller both = new ChildSaInstaller() {
            @Override
            public void install(ChildSaRecord sa, ChildSaKeys k) {
                installer.install(sa, k);
                keys.install(sa, k);
            }

            @Override
            public void remove(ChildSaRecord sa) {
                installer.remove(sa);
                keys.remove(sa);
            }
        };
        IkeDaemon d = IkeDaemon.start(
                config,
                shared.tokens(),
                IkeDaemon.Options.defaults()
                        .withPorts(0, 0)
                        .withInstaller(both)
                        .withEvents(events)
                        .withSettings(settings.apply(config.ike().exchange())));
        return new Side(name, d, events, installer, keys);
    }

    /**
     * A daemon on {@code yaml} (trusting ca.pem) that reports to {@code installer} and {@code events} only: nothing
     * of a {@link Side} keeps its SAs, for tests that run thousands of exchanges and measure the heap.
     */
    IkeDaemon startBare(
            String name,
            ConnectionYaml yaml,
            UnaryOperator<ExchangeSettings> settings,
            ChildSaInstaller installer,
            SaEvents events)
            throws IOException {
        IkesealConfig config = config(name, List.of("ca.pem"), yaml.yaml());
        return IkeDaemon.start(
                config,
                shared.tokens(),
                IkeDaemon.Options.defaults()
                        .withPorts(0, 0)
                        .withInstaller(installer)
                        .withEvents(events)
                        .withSettings(settings.apply(config.ike().exchange())));
    }

    /** The configuration of daemon {@code name}: the deployment's token sections, {@code trust} and {@code yaml}. */
    private IkesealConfig config(String name, List<String> trust, String yaml) throws IOException {
        String file = name + "-" + DAEMONS.incrementAndGet();
        Path cfg = shared.dir().resolve(file + ".yaml");
        // The audit log named here is never opened: the shared TokenSet already writes its own.
        write(cfg, file + "-audit.log", trust, yaml);
        return IkesealConfig.load(cfg);
    }

    /** Writes {@code side}'s configuration file anew (for a reload): same token sections, {@code trust}, {@code yaml}. */
    void rewrite(Side side, List<String> trust, String yaml) throws IOException {
        IkesealConfig running = side.daemon().config();
        write(running.file(), running.audit().log().toString(), trust, yaml);
    }

    private void write(Path cfg, String auditLog, List<String> trust, String yaml) throws IOException {
        Files.writeString(
                cfg,
                shared.deployment().tokenSections(auditLog, List.of(TestDeployment.PSK, OTHER_PSK), trust) + yaml,
                StandardCharsets.UTF_8);
    }

    /** The records of the shared audit log for the IKE SA with initiator SPI {@code spiI}, both ends, in order. */
    List<Audited> audit(long spiI) {
        String spi = hex(spiI);
        return auditLog().stream().filter(a -> spi.equals(a.spiI())).toList();
    }

    /** Every record of the shared audit log so far (queued ones made durable first: docs/audit.md). */
    List<Audited> auditLog() {
        List<Audited> out = new ArrayList<>();
        try {
            shared.tokens().audit().barrier(null).get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            for (String line : Files.readAllLines(shared.auditLog(), StandardCharsets.UTF_8)) {
                JsonNode n = JSON.readTree(line);
                out.add(new Audited(
                        text(n, "op"),
                        text(n, "token"),
                        text(n, "mechanism"),
                        text(n, "key"),
                        text(n, "spiI"),
                        text(n, "spiR"),
                        text(n, "peer"),
                        text(n, "result")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("audit records not durable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** One audit record, as the log has it ({@code token} null for the records of peer authentication). */
    record Audited(
            String op,
            String token,
            String mechanism,
            String key,
            String spiI,
            String spiR,
            String peer,
            String result) {}

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static String hex(long spi) {
        return HexFormat.of().toHexDigits(spi);
    }

    /** The two ends' views of one IKE SA. */
    record Established(IkeSaInfo initiator, IkeSaInfo responder) {}

    /**
     * Initiates {@code initiator}'s connection "gateway" and waits until both ends report the IKE SA established:
     * same SPIs, same suite, the roles right, token time counted.
     */
    static Established establish(Side initiator, Side responder) throws Exception {
        IkeSaInfo i = get(initiator.initiate("gateway"));
        IkeSaInfo r = responder
                .events()
                .await(EventRecorder.Kind.ESTABLISHED, i.spiI())
                .sa();
        assertEquals(i.spiR(), r.spiR());
        assertTrue(i.originalInitiator());
        assertFalse(r.originalInitiator());
        assertEquals(i.suite(), r.suite());
        assertEquals(TestDeployment.GATEWAY, i.remoteId());
        assertEquals(TestDeployment.BRANCH, r.remoteId());
        assertTrue(i.tokenMicros() > 0 && r.tokenMicros() > 0);
        return new Established(i, r);
    }

    /** A fresh branch office still establishes an IKE SA with {@code gateway}: it came through what the test did. */
    void assertStillEstablishes(Side gateway) throws Exception {
        try (Side br = start("branch", ConnectionYaml.branch(gateway))) {
            establish(br, gateway);
        }
    }

    /** Each end installed one CHILD_SA, the other's mirror image: SPIs crossed, same suite and mode. */
    static void assertOneChildEach(Side initiator, Side responder) {
        List<ChildSaRecord> mine = initiator.installer().installed();
        List<ChildSaRecord> theirs = responder.installer().installed();
        assertEquals(1, mine.size(), "initiator's CHILD_SAs");
        assertEquals(1, theirs.size(), "responder's CHILD_SAs");
        assertEquals(mine.getFirst().inboundSpi(), theirs.getFirst().outboundSpi());
        assertEquals(mine.getFirst().outboundSpi(), theirs.getFirst().inboundSpi());
        assertEquals(mine.getFirst().suite(), theirs.getFirst().suite());
        assertEquals(mine.getFirst().mode(), theirs.getFirst().mode());
        assertEquals(
                mine.getFirst().localTs().toString(),
                theirs.getFirst().remoteTs().toString());
        assertEquals(
                mine.getFirst().remoteTs().toString(),
                theirs.getFirst().localTs().toString());
    }

    /** Waits at most {@link #WAIT} for {@code condition}, checking every 10 ms. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** The future's value, waiting at most 20 s (an initiator with {@link #FAST} timers gives up after about 4 s). */
    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    /** The message of the failure the future completes with (at most 20 s); an AssertionError if it succeeds. */
    static String failure(CompletableFuture<?> f) throws Exception {
        try {
            Object v = f.get(20, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + v);
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause().getMessage());
        }
    }
}
