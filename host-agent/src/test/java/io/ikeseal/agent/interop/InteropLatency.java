package io.ikeseal.agent.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.daemon.TestDeployment;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.RecordingInstaller;
import io.ikeseal.agent.sa.SaEvents;
import io.ikeseal.testhsm.IdentitySpec;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.TestCa;
import io.ikeseal.testhsm.strongswan.Auth;
import io.ikeseal.testhsm.strongswan.Charon;
import io.ikeseal.testhsm.strongswan.CharonIdentity;
import io.ikeseal.testhsm.strongswan.CharonOptions;
import io.ikeseal.testhsm.strongswan.Child;
import io.ikeseal.testhsm.strongswan.Connection;
import io.ikeseal.testhsm.strongswan.SwanctlConf;

/**
 * Time to establish an IKE SA with its first CHILD_SA on loopback, ikeseal to charon and charon to ikeseal
 * (aes256gcm16-prfsha256-ecp256, ECDSA P-256 certificates, ikeseal's key in SoftHSM and its key exchange in NSS
 * softoken), measured at the initiator: ikeseal's initiate() future, and charon's own log timestamps from
 * "initiating IKE_SA" to "CHILD_SA ... established". Also ikeseal's token time per SA (its audit records).
 * Run with scripts/bench-interop [handshakes-per-direction [audit-log-directory]]; not part of ./check.
 */
public final class InteropLatency {
    private static final Pattern INITIATING =
            Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*<to-ikeseal\\|(\\d+)> initiating IKE_SA");
    private static final Pattern ESTABLISHED = Pattern.compile(
            "^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*<to-ikeseal\\|(\\d+)> CHILD_SA net-i\\{\\d+} established");

    private InteropLatency() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        // An audit log on tmpfs shows what the per-operation fsync (nothing acted upon is lost) costs.
        Path auditDir = args.length > 1 ? Files.createTempDirectory(Path.of(args[1]), "audit") : null;
        Path dir = Files.createTempDirectory("interop-latency");
        try (TestDeployment deployment = TestDeployment.create(dir);
                Charon charon =
                        Charon.start(dir, "bench", CharonOptions.defaults().withKeyLogLevel(1))) {
            TestCa ca = deployment.ca();
            charon.trust(ca);
            String cert = charon.install(CharonIdentity.generate(
                    IdentitySpec.of("charon", KeyKind.EC_P256, "CN=charon.ikeseal.test", "charon.ikeseal.test"), ca));
            List<IkeSaInfo> responderSas = new CopyOnWriteArrayList<>();
            String auditLog = auditDir == null
                    ? "audit.log"
                    : auditDir.resolve("audit.log").toString();
            Path cfg = deployment.writeConfig("bench", auditLog, """
                    listen: [127.0.0.1]
                    connections:
                      - name: charon
                        local-address: 127.0.0.1
                        remote-address: 127.0.0.1
                        remote-port: %d
                        local-id: branch.ikeseal.test
                        remote-id: charon.ikeseal.test
                        local-auth: pubkey
                        identity: branch-ecdsa
                        children: [{name: net}]
                      - name: from-charon
                        local-address: 127.0.0.1
                        remote-address: any
                        local-id: gateway.ikeseal.test
                        remote-id: charon-i.ikeseal.test
                        local-auth: pubkey
                        identity: gateway-ecdsa
                        children: [{name: net}]
                    """.formatted(charon.ikePort()));
            IkesealConfig config = IkesealConfig.load(cfg);
            try (TokenSet tokens = new TokenSet(config);
                    IkeDaemon daemon = IkeDaemon.start(
                            config,
                            tokens,
                            IkeDaemon.Options.defaults()
                                    .withPorts(0, 0)
                                    .withInstaller(new RecordingInstaller())
                                    .withEvents(new SaEvents() {
                                        @Override
                                        public void ikeSaEstablished(IkeSaInfo sa) {
                                            if (!sa.originalInitiator()) {
                                                responderSas.add(sa);
                                            }
                                        }
                                    }))) {
                String certI = charon.install(CharonIdentity.generate(
                        IdentitySpec.of(
                                "charon-i", KeyKind.EC_P256, "CN=charon-i.ikeseal.test", "charon-i.ikeseal.test"),
                        ca));
                charon.load(SwanctlConf.of(
                        Connection.named("ikeseal")
                                .proposals("aes256gcm16-prfsha256-ecp256")
                                .local(Auth.pubkey("charon.ikeseal.test").certs(cert))
                                .remote(Auth.pubkey(TestDeployment.BRANCH))
                                .child(Child.named("net").espProposals("aes256gcm16")),
                        Connection.named("to-ikeseal")
                                .proposals("aes256gcm16-prfsha256-ecp256")
                                .remotePort(daemon.ikePort())
                                .local(Auth.pubkey("charon-i.ikeseal.test").certs(certI))
                                .remote(Auth.pubkey(TestDeployment.GATEWAY))
                                .child(Child.named("net-i").espProposals("aes256gcm16"))));
                List<Long> toCharon = new ArrayList<>();
                List<Long> tokenToCharon = new ArrayList<>();
                for (int i = 0; i < n + 10; i++) {
                    long t0 = System.nanoTime();
                    IkeSaInfo sa = daemon.initiate("charon").get(20, TimeUnit.SECONDS);
                    long micros = (System.nanoTime() - t0) / 1000;
                    if (i >= 10) { // the first ones warm up the JIT
                        toCharon.add(micros);
                        tokenToCharon.add(sa.tokenMicros());
                    }
                    if (i % 20 == 19) {
                        daemon.gateway().deleteAll("benchmark round", Duration.ofSeconds(5));
                    }
                }
                daemon.gateway().deleteAll("benchmark round", Duration.ofSeconds(5));
                List<Long> fromCharon = new ArrayList<>();
                responderSas.clear();
                for (int i = 0; i < n + 10; i++) {
                    charon.initiate("net-i", Duration.ofSeconds(20)).orThrow();
                    // charon would put the next CHILD_SA into this IKE SA: end it so each round is a full handshake
                    charon.terminateIke("to-ikeseal", Duration.ofSeconds(10));
                }
                Map<String, Long> times = charonTimes(charon.log());
                List<Long> sorted = new ArrayList<>(times.values());
                fromCharon.addAll(sorted.subList(Math.min(10, sorted.size()), sorted.size()));
                List<Long> tokenFromCharon = new ArrayList<>();
                for (IkeSaInfo sa : responderSas.subList(Math.min(10, responderSas.size()), responderSas.size())) {
                    tokenFromCharon.add(sa.tokenMicros());
                }
                System.out.println(
                        "IKE SA + CHILD SA on loopback, aes256gcm16-prfsha256-ecp256, ECDSA P-256, sequential," + " "
                                + n + " per direction after 10 warm-up; audit log "
                                + config.audit().log());
                print("ikeseal -> charon (initiate() to established)", toCharon);
                print("  ikeseal token time inside", tokenToCharon);
                print("charon -> ikeseal (charon log: initiating to CHILD_SA established)", fromCharon);
                print("  ikeseal token time inside (responder)", tokenFromCharon);
            }
        } finally {
            deleteTree(dir);
            if (auditDir != null) {
                deleteTree(auditDir);
            }
        }
    }

    /** Per charon IKE SA number: microseconds from "initiating IKE_SA" to "CHILD_SA ... established". */
    static Map<String, Long> charonTimes(String log) {
        Map<String, LocalTime> start = new HashMap<>();
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (String line : log.lines().toList()) {
            Matcher m = INITIATING.matcher(line);
            if (m.find()) {
                start.put(m.group(2), LocalTime.parse(m.group(1)));
                continue;
            }
            m = ESTABLISHED.matcher(line);
            if (m.find() && start.containsKey(m.group(2)) && !out.containsKey(m.group(2))) {
                out.put(
                        m.group(2),
                        Duration.between(start.get(m.group(2)), LocalTime.parse(m.group(1)))
                                        .toNanos()
                                / 1000);
            }
        }
        return out;
    }

    private static void print(String what, List<Long> micros) {
        List<Long> s = new ArrayList<>(micros);
        s.sort(null);
        if (s.isEmpty()) {
            System.out.printf(Locale.ROOT, "%-72s no samples%n", what);
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "%-72s n=%d median %.2f ms  p99 %.2f ms  min %.2f  max %.2f%n",
                what,
                s.size(),
                s.get(s.size() / 2) / 1000.0,
                s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)) / 1000.0,
                s.getFirst() / 1000.0,
                s.getLast() / 1000.0);
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        try (var w = Files.walk(p)) {
            w.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        }
    }
}
