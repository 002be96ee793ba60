package io.ikeseal.testhsm.strongswan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ikeseal.testhsm.DebianTools;
import io.ikeseal.testhsm.FixtureFiles;
import io.ikeseal.testhsm.TestCa;

/**
 * A real strongSwan IKE daemon on loopback: {@code /usr/sbin/charon-systemd} as a child process
 * in its own directory, with its own strongswan.conf (STRONGSWAN_CONF), IKE and NAT-T ports on
 * 127.0.0.1, a vici socket for swanctl, and a level-4 key log ({@link #keys()}).
 * <pre>{@code
 * try (Charon responder = Charon.start(baseDir, "responder")) {
 *     responder.load(SwanctlConf.of(Connection.named("gw")...).psk(secret, "a.example", "b.example"));
 *     ... ikeseal initiates to responder.ikeAddress() ...
 *     IkeSa sa = responder.awaitIkeSa(IkeSa::established, Duration.ofSeconds(5));
 *     IkeSaKeys keys = responder.keys().ike(sa);
 * }
 * }</pre>
 * close() stops charon (SIGTERM, then SIGKILL) and deletes the directory; a JVM shutdown hook
 * kills any charon still running, so none outlives the tests. Needs root (charon opens a TUN
 * device for kernel-libipsec and uses netlink).
 *
 * <p>Quirks: charon on a port other than 500 sends and expects the 4-octet non-ESP marker
 * before every IKE message, on both of its ports. kernel-libipsec can only do UDP-encapsulated
 * ESP, so charon fakes a NAT (NATD_SOURCE_IP of a random address) and moves to its NAT-T port
 * after IKE_SA_INIT. It binds its ports on the wildcard address, IPv4 only; {@code
 * interfaces_use = lo} keeps it from using any other interface.
 *
 * <p>With {@link CharonOptions#inNamespace} it runs instead as a gateway inside a test's network namespace, on ports
 * 500/4500 there, carrying traffic through kernel-libipsec's TUN {@code ipsec0} with the routes it installs.
 */
public final class Charon implements AutoCloseable {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Thread KILLER = new Thread(() -> LIVE.forEach(Process::destroyForcibly), "charon-killer");
    private static final int MAX_SOCKET_PATH = 100; // sun_path is 108 bytes with its NUL
    private static final Duration SWANCTL_TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern LOADED_PLUGINS = Pattern.compile("(?m)\\[LIB\\] loaded plugins: (.*)$");
    private static final List<String> SWANCTL_DIRS = List.of(
            "x509",
            "x509ca",
            "x509ocsp",
            "x509aa",
            "x509ac",
            "x509crl",
            "pubkey",
            "private",
            "rsa",
            "ecdsa",
            "bliss",
            "pkcs8",
            "pkcs12");

    static {
        Runtime.getRuntime().addShutdownHook(KILLER);
    }

    private final String name;
    private final Path dir;
    private final Path socketDir; // a short directory for the vici socket when dir is too deep, else null
    private final Path logFile;
    private final int ikePort;
    private final int natTPort;
    private final Process process;
    private final Swanctl swanctl;
    private final CharonOptions options;
    private volatile boolean closed;

    private Charon(
            String name,
            Path dir,
            Path socketDir,
            Path logFile,
            int ikePort,
            int natTPort,
            Process process,
            Swanctl swanctl,
            CharonOptions options) {
        this.options = options;
        this.name = name;
        this.dir = dir;
        this.socketDir = socketDir;
        this.logFile = logFile;
        this.ikePort = ikePort;
        this.natTPort = natTPort;
        this.process = process;
        this.swanctl = swanctl;
    }

    public static Charon start(Path baseDir, String name) {
        return start(baseDir, name, CharonOptions.defaults());
    }

    /**
     * Starts charon in a new directory under baseDir and waits (at most options.startTimeout())
     * until it has loaded every plugin, bound its ports and answers on vici. Fails with the tail
     * of charon's log; with free ports picked, a port taken meanwhile means up to three tries.
     */
    public static Charon start(Path baseDir, String name, CharonOptions options) {
        ConfSection.checkName(name);
        DebianTools.charonSystemd();
        DebianTools.swanctl();
        options.plugins().forEach(DebianTools::strongswanPlugin);
        int tries = options.ikePort() == 0 && options.namespace().isEmpty() ? 3 : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(baseDir, name, options);
            } catch (PortTaken e) {
                if (attempt >= tries) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
        }
    }

    private static final class PortTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }

    private static Charon startOnce(Path baseDir, String name, CharonOptions options) {
        int[] ports = options.ikePort() != 0
                ? new int[] {options.ikePort(), options.natTPort()}
                : options.namespace().isPresent() ? new int[] {500, 4500} : FreePorts.udp(2);
        Path dir = FixtureFiles.newDir(baseDir, "charon-" + name);
        Path socketDir = null;
        Process process = null;
        try {
            Path socket = dir.resolve("charon.vici");
            if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
                socketDir = FixtureFiles.newDir(Path.of(System.getProperty("java.io.tmpdir")), "charon-vici");
                socket = socketDir.resolve("charon.vici");
            }
            String uri = "unix://" + socket;
            Path logFile = dir.resolve(StrongswanConf.LOG_FILE);
            Path conf = FixtureFiles.write(
                    dir.resolve("strongswan.conf"), StrongswanConf.render(options, ports[0], ports[1], uri, logFile));
            Path swanctlDir = FixtureFiles.mkdirs(dir.resolve("swanctl"));
            SWANCTL_DIRS.forEach(d -> FixtureFiles.mkdirs(swanctlDir.resolve(d)));
            List<String> command = List.of(DebianTools.charonSystemd().toString());
            // ip netns exec execs charon after setns(): the process is charon itself, its pid charon's
            ProcessBuilder pb = new ProcessBuilder(
                            options.namespace().map(ns -> ns.wrap(command)).orElse(command))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("charon.out").toFile());
            pb.environment().putAll(options.environment());
            pb.environment().put("STRONGSWAN_CONF", conf.toString());
            process = pb.start();
            LIVE.add(process);
            process.getOutputStream().close();
            Charon charon = new Charon(
                    name, dir, socketDir, logFile, ports[0], ports[1], process, new Swanctl(uri, conf), options);
            charon.awaitReady(options, socket);
            return charon;
        } catch (IOException e) {
            stop(process);
            cleanUp(dir, socketDir);
            throw new UncheckedIOException("cannot start charon in " + dir, e);
        } catch (RuntimeException | Error e) {
            stop(process);
            cleanUp(dir, socketDir);
            throw e;
        }
    }

    private void awaitReady(CharonOptions options, Path socket) {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        while (true) {
            String log = log();
            if (log.contains("unable to bind socket") || log.contains("could not create any sockets")) {
                throw new PortTaken("charon " + name + " could not bind UDP ports " + ikePort + "/" + natTPort + ":\n"
                        + logTail(30));
            }
            if (!process.isAlive()) {
                throw failure("exited with code " + process.exitValue() + " while starting");
            }
            Matcher loaded = LOADED_PLUGINS.matcher(log);
            if (loaded.find() && viciListens(socket)) {
                List<String> have = Arrays.asList(loaded.group(1).strip().split(" "));
                List<String> missing = options.plugins().stream()
                        .filter(p -> !have.contains(p))
                        .toList();
                if (!missing.isEmpty()) {
                    throw failure("did not load plugins " + missing);
                }
                SwanctlResult stats = swanctl.run(SWANCTL_TIMEOUT, "--stats");
                if (!stats.ok()) {
                    throw failure("does not answer on vici: " + stats.output().strip());
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                throw failure("not ready after " + options.startTimeout());
            }
            sleep(20);
        }
    }

    private static boolean viciListens(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    private IllegalStateException failure(String what) {
        String out = CharonFiles.readIfExists(dir.resolve("charon.out")).strip();
        return new IllegalStateException("charon " + name + " " + what + "; last lines of " + logFile + ":\n"
                + logTail(40) + (out.isEmpty() ? "" : "\ncharon's stdout/stderr:\n" + CharonFiles.tail(out, 20)));
    }

    /** Copies a CA certificate into x509ca/ (trusted for peers' certificates); returns its file name. */
    public String trust(String fileName, X509Certificate ca) {
        FixtureFiles.write(swanctlDir().resolve("x509ca").resolve(checkFile(fileName)), pem(ca));
        return fileName;
    }

    /** Trusts a TestCa, as "ca-&lt;serial&gt;.pem". */
    public String trust(TestCa ca) {
        return trust("ca-" + ca.certificate().getSerialNumber().toString(16) + ".pem", ca.certificate());
    }

    /** Writes the identity's certificate to x509/ and its key to private/; returns the certificate's file name. */
    public String install(CharonIdentity identity) {
        String file = checkFile(identity.fileName());
        FixtureFiles.write(swanctlDir().resolve("x509").resolve(file), identity.certificatePem());
        FixtureFiles.writeSecret(swanctlDir().resolve("private").resolve(file), identity.privateKeyPem());
        return file;
    }

    /**
     * Copies a certificate alone into x509/ (its private key elsewhere, e.g. in a token the pkcs11 plugin reaches);
     * returns its file name.
     */
    public String installCertificate(String fileName, X509Certificate certificate) {
        FixtureFiles.write(swanctlDir().resolve("x509").resolve(checkFile(fileName)), pem(certificate));
        return fileName;
    }

    /** Writes swanctl.conf and loads it with all credentials (swanctl --load-all); replaces what was loaded. */
    public SwanctlResult load(SwanctlConf conf) {
        return load(conf.render());
    }

    public SwanctlResult load(String swanctlConf) {
        Path file = FixtureFiles.writeSecret(swanctlDir().resolve("swanctl.conf"), swanctlConf);
        return swanctl(SWANCTL_TIMEOUT, "--load-all", "--file", file.toString()).orThrow();
    }

    /** Initiates a CHILD_SA (and its IKE SA if none is up) and waits for the outcome, at most timeout. */
    public InitiateResult initiate(String child, Duration timeout) {
        return initiate(timeout, "--child", child);
    }

    /**
     * Initiates only the IKE SA of a connection. Between two charons it comes up without a
     * CHILD_SA (RFC 6023 childless, which charon announces and uses when the peer does too).
     */
    public InitiateResult initiateIke(String connection, Duration timeout) {
        return initiate(timeout, "--ike", connection);
    }

    private InitiateResult initiate(Duration timeout, String... what) {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        String[] args = Arrays.copyOf(what, what.length + 2);
        args[what.length] = "--timeout";
        args[what.length + 1] = Long.toString(seconds);
        return InitiateResult.of(swanctl(Duration.ofSeconds(seconds + 10), "--initiate", args));
    }

    /** Deletes every IKE SA of a connection (INFORMATIONAL DELETE), waiting at most timeout. */
    public SwanctlResult terminateIke(String connection, Duration timeout) {
        return terminate(timeout, "--ike", connection);
    }

    /** Deletes one IKE SA by its unique id. */
    public SwanctlResult terminateIke(int uniqueId, Duration timeout) {
        return terminate(timeout, "--ike-id", Integer.toString(uniqueId));
    }

    private SwanctlResult terminate(Duration timeout, String option, String value) {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        return swanctl(
                Duration.ofSeconds(seconds + 10), "--terminate", option, value, "--timeout", Long.toString(seconds));
    }

    /** Starts rekeying an IKE SA (CREATE_CHILD_SA); returns once queued: await the new SA with awaitIkeSa. */
    public SwanctlResult rekeyIke(int uniqueId) {
        return swanctl(SWANCTL_TIMEOUT, "--rekey", "--ike-id", Integer.toString(uniqueId))
                .orThrow();
    }

    /** Starts rekeying a CHILD_SA by its unique id; returns once queued. */
    public SwanctlResult rekeyChild(int uniqueId) {
        return swanctl(SWANCTL_TIMEOUT, "--rekey", "--child-id", Integer.toString(uniqueId))
                .orThrow();
    }

    /** Rekeys the CHILD_SAs of config NAME ({@code swanctl --rekey --child NAME}); returns once queued. */
    public SwanctlResult rekeyChild(String child) {
        return swanctl(SWANCTL_TIMEOUT, "--rekey", "--child", child).orThrow();
    }

    /** Rekeys the IKE SAs of connection NAME ({@code swanctl --rekey --ike NAME}, RFC 7296 §2.18); once queued. */
    public SwanctlResult rekeyIke(String connection) {
        return swanctl(SWANCTL_TIMEOUT, "--rekey", "--ike", connection).orThrow();
    }

    /**
     * Reauthenticates the IKE SAs of connection NAME ({@code swanctl --rekey --ike NAME --reauth}): a new IKE SA with
     * IKE_SA_INIT and IKE_AUTH, the old one deleted (make-before-break when charon.make_before_break is set).
     */
    public SwanctlResult reauthenticate(String connection) {
        return swanctl(SWANCTL_TIMEOUT, "--rekey", "--ike", connection, "--reauth")
                .orThrow();
    }

    /** Deletes the CHILD_SAs of config NAME (INFORMATIONAL Delete of ESP SAs), waiting at most timeout. */
    public SwanctlResult terminateChild(String child, Duration timeout) {
        return terminate(timeout, "--child", child);
    }

    /** Deletes one CHILD_SA by its unique id. */
    public SwanctlResult terminateChild(int uniqueId, Duration timeout) {
        return terminate(timeout, "--child-id", Integer.toString(uniqueId));
    }

    /**
     * Initiates a further CHILD_SA of an existing IKE SA (CREATE_CHILD_SA, RFC 7296 §1.3.1): charon reuses the
     * established IKE SA of the child's connection, so this is {@link #initiate(String, Duration)} under the name a
     * test reads as intended.
     */
    public InitiateResult initiateChild(String child, Duration timeout) {
        return initiate(child, timeout);
    }

    /** The SPIs of every IKE SA and its CHILD_SAs, from {@link #listSas()}, in the order swanctl lists them. */
    public List<SaSpis> spis() {
        return listSas().stream().map(SaSpis::of).toList();
    }

    /**
     * Stops charon hard (SIGKILL): no Delete is sent, so the peer sees a dead peer (RFC 7296 §2.4). Its directory
     * and log stay until {@link #close()}, so keys() still answers; {@link #restart()} brings it back.
     */
    public void kill() {
        checkOpen();
        process.destroyForcibly();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("charon " + name + " (pid " + process.pid() + ") survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted killing charon " + name, e);
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        LIVE.remove(process);
    }

    /**
     * A new charon on this one's ports, with its options, credentials and swanctl.conf loaded again: a peer that
     * restarted and knows nothing of its old SAs (the INITIAL_CONTACT case, RFC 7296 §2.4). Kills this one first if
     * it still runs; this one's log stays readable until it is closed.
     */
    public Charon restart() {
        if (process.isAlive()) {
            kill();
        }
        Charon next = start(dir.getParent(), name, options.withPorts(ikePort, natTPort));
        try {
            FixtureFiles.copyTree(swanctlDir(), next.swanctlDir());
            Path conf = next.swanctlDir().resolve("swanctl.conf");
            if (Files.exists(conf)) {
                next.swanctl(SWANCTL_TIMEOUT, "--load-all", "--file", conf.toString())
                        .orThrow();
            }
            return next;
        } catch (RuntimeException | Error e) {
            next.close();
            throw e;
        }
    }

    /**
     * A new connection to this charon's VICI socket, for driving it without swanctl (e.g. many initiations at
     * once, see {@link Vici}); the caller closes it.
     */
    public Vici openVici() {
        checkOpen();
        return Vici.connect((socketDir != null ? socketDir : dir).resolve("charon.vici"));
    }

    /** All IKE SAs with their CHILD_SAs (swanctl --list-sas --pretty). */
    public List<IkeSa> listSas() {
        return IkeSa.parseList(
                swanctl(SWANCTL_TIMEOUT, "--list-sas", "--pretty").orThrow().stdout());
    }

    /** Polls listSas() every 50 ms until an IKE SA meets the condition; fails after timeout with the list and log. */
    public IkeSa awaitIkeSa(Predicate<IkeSa> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<IkeSa> sas = listSas();
            Optional<IkeSa> hit = sas.stream().filter(condition).findFirst();
            if (hit.isPresent()) {
                return hit.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("charon " + name + ": no IKE SA as expected within " + timeout
                        + "; it has " + sas + "\nlast lines of its log:\n" + logTail(40));
            }
            sleep(50);
        }
    }

    /** Runs any swanctl command against this charon (the --uri is added). */
    public SwanctlResult swanctl(Duration timeout, String command, String... args) {
        checkOpen();
        return swanctl.run(timeout, command, args);
    }

    /** The keys charon logged so far. */
    public CharonKeys keys() {
        return CharonKeys.parse(log());
    }

    /** charon.log so far ("" once closed). */
    public String log() {
        return CharonFiles.readIfExists(logFile);
    }

    public String logTail(int lines) {
        return CharonFiles.tail(log(), lines);
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    /** Where swanctl.conf and the credential folders (x509, x509ca, private, ...) are. */
    public Path swanctlDir() {
        return dir.resolve("swanctl");
    }

    public Path logFile() {
        return logFile;
    }

    public int ikePort() {
        return ikePort;
    }

    public int natTPort() {
        return natTPort;
    }

    /** 127.0.0.1 and the IKE port: where a peer sends IKE_SA_INIT. */
    public InetSocketAddress ikeAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), ikePort);
    }

    public InetSocketAddress natTAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), natTPort);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops charon (SIGTERM, SIGKILL after 5 s) and deletes its directory. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop(process);
        cleanUp(dir, socketDir);
    }

    private static void stop(Process p) {
        if (p == null) {
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
            if (!p.isAlive()) {
                LIVE.remove(p);
            }
        }
    }

    private static void cleanUp(Path dir, Path socketDir) {
        FixtureFiles.deleteTree(dir);
        FixtureFiles.deleteTree(socketDir);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("charon " + name + " is closed");
        }
    }

    private static String checkFile(String fileName) {
        if (!fileName.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("not a plain file name: " + fileName);
        }
        return fileName;
    }

    private static String pem(X509Certificate cert) {
        try {
            return TestCa.pem(cert);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode " + cert.getSubjectX500Principal(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for charon", e);
        }
    }

    @Override
    public String toString() {
        return "charon " + name + " (pid " + process.pid() + ", IKE "
                + options.namespace().map(ns -> ns.name() + " ").orElse("127.0.0.1:") + ikePort + ", NAT-T " + natTPort
                + ")";
    }
}
