package io.ikeseal.testhsm;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.util.List;
import java.util.Map;

/**
 * A fresh NSS softoken database loaded as a plain PKCS#11 library: a per-token copy of
 * libsoftokn3.so (softoken allows one C_Initialize per loaded library), told where its
 * database is through {@code nssArgs} (C_Initialize's pReserved).
 *
 * <p>The key-storage slot (slotListIndex 1, NSS slot 2) is used: it holds token objects and
 * takes the database password as user PIN. Generated EC private keys get CKA_DERIVE and every
 * secret key is sensitive and non-extractable, so ECDH and HKDF results stay sealed (this also
 * stops SunPKCS11's key-extraction feature from C_WrapKey-ing session keys out of NSS).
 *
 * <p>A spied token loads OpenSC's pkcs11-spy in front of the softoken; {@link #library()} is
 * then the spy copy and {@link #environment()} the variables the spy reads at C_Initialize.
 * A traced token loads {@link P11Trace} there instead, whose log ({@link #traceLog()}) has the
 * bytes of every buffer that crossed the boundary, mechanism parameters included.
 */
public final class NssToken implements AutoCloseable {
    /** NSS softoken lists the crypto slot (1) first and the key-storage slot (2) second. */
    public static final int KEY_STORAGE_SLOT_INDEX = 1;

    private final String name;
    private final Path dir;
    private final Path dbDir;
    private final Path softoken;
    private final Path library;
    private final Path spyLog;
    private final Path traceLog;
    private final String nssArgs;
    private final char[] pin;
    private final Path pinFile;
    private final Map<String, String> environment;
    private final String config;
    private final Provider provider;
    private volatile boolean closed;

    /** What sits between SunPKCS11 and the softoken. */
    private enum Wrapper {
        NONE,
        SPY,
        TRACE
    }

    private NssToken(
            String name,
            Path dir,
            Path dbDir,
            Path softoken,
            Path library,
            Path spyLog,
            Path traceLog,
            String nssArgs,
            char[] pin,
            Path pinFile,
            Map<String, String> environment,
            String config,
            Provider provider) {
        this.name = name;
        this.dir = dir;
        this.dbDir = dbDir;
        this.softoken = softoken;
        this.library = library;
        this.spyLog = spyLog;
        this.traceLog = traceLog;
        this.nssArgs = nssArgs;
        this.pin = pin;
        this.pinFile = pinFile;
        this.environment = environment;
        this.config = config;
        this.provider = provider;
    }

    public static NssToken create(Path baseDir, String name) {
        return create(baseDir, name, Wrapper.NONE);
    }

    /** Like {@link #create} but every PKCS#11 call is logged to {@link #spyLog()}. */
    public static NssToken createSpied(Path baseDir, String name) {
        return create(baseDir, name, Wrapper.SPY);
    }

    /**
     * Like {@link #create} but behind {@link P11Trace}: every call and every byte string it passes, either way, is
     * appended to {@link #traceLog()}. The module is compiled into P11Trace's cache when needed.
     */
    public static NssToken createTraced(Path baseDir, String name) {
        return create(baseDir, name, Wrapper.TRACE);
    }

    private static NssToken create(Path baseDir, String name, Wrapper wrapper) {
        TokenFiles.checkName("NSS token name", name);
        Path certutil = DebianTools.certutil();
        Path module = DebianTools.libSoftokn3();
        Path spy = wrapper == Wrapper.SPY ? DebianTools.pkcs11Spy() : null;
        Path trace = wrapper == Wrapper.TRACE ? P11Trace.library() : null;
        Path dir = FixtureFiles.newDir(baseDir, "nss-" + name);
        try {
            Path dbDir = FixtureFiles.mkdirs(dir.resolve("db"));
            char[] pin = TokenFiles.randomPin();
            Path pinFile = TokenFiles.writeSecret(dir.resolve("nss.pin"), pin);
            Subprocess.run(
                    List.of(certutil.toString(), "-N", "-d", "sql:" + dbDir, "-f", pinFile.toString()), Map.of());
            Path softoken = TokenFiles.copyModule(module, dir, "libsoftokn3");
            Path library = softoken;
            Path spyLog = null;
            Path traceLog = null;
            Map<String, String> env = Map.of();
            if (spy != null) {
                library = TokenFiles.copyModule(spy, dir, "pkcs11-spy");
                spyLog = dir.resolve("pkcs11-spy.log");
                env = Map.of("PKCS11SPY", softoken.toString(), "PKCS11SPY_OUTPUT", spyLog.toString());
            } else if (trace != null) {
                library = TokenFiles.copyModule(trace, dir, "p11trace");
                traceLog = dir.resolve("p11trace.log");
                env = P11Trace.environment(softoken, traceLog);
            }
            String nssArgs = nssArgs(dbDir);
            String config = "name = nss-" + name + "\n"
                    + "library = " + library + "\n"
                    + "nssArgs = \"" + nssArgs + "\"\n"
                    + "slotListIndex = " + KEY_STORAGE_SLOT_INDEX + "\n"
                    + "attributes(*,CKO_SECRET_KEY,*) = {\n  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n"
                    + "attributes(generate,CKO_PRIVATE_KEY,CKK_EC) = {\n"
                    + "  CKA_DERIVE = true\n  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n";
            Provider provider = Pkcs11Modules.load(config, env);
            Pkcs11Modules.keyStore(provider, pin.clone());
            return new NssToken(
                    name, dir, dbDir, softoken, library, spyLog, traceLog, nssArgs, pin, pinFile, env, config,
                    provider);
        } catch (RuntimeException | Error e) {
            FixtureFiles.deleteTree(dir);
            throw e;
        }
    }

    /** softoken's init string; NSS quotes values with single quotes, so the path must not contain one. */
    static String nssArgs(Path dbDir) {
        String d = dbDir.toAbsolutePath().toString();
        if (d.contains("'") || d.contains("\"")) {
            throw new IllegalArgumentException("an NSS database path must not contain quotes: " + d);
        }
        return "configdir='sql:" + d + "' certPrefix='' keyPrefix='' secmod='secmod.db' flags='optimizeSpace'";
    }

    /** Logged-in SunPKCS11 provider for the key-storage slot; not in the global provider list. */
    public Provider provider() {
        checkOpen();
        return provider;
    }

    /** A freshly loaded, logged-in KeyStore. */
    public KeyStore keyStore() {
        checkOpen();
        return Pkcs11Modules.keyStore(provider, pin.clone());
    }

    /** The library SunPKCS11 loads: the softoken copy, or the spy or trace copy in front of it. */
    public Path library() {
        return library;
    }

    /** The per-token copy of libsoftokn3.so (also what the spy forwards to). */
    public Path softoken() {
        return softoken;
    }

    public String nssArgs() {
        return nssArgs;
    }

    public int slotListIndex() {
        return KEY_STORAGE_SLOT_INDEX;
    }

    /** The SunPKCS11 config (without the leading "--") for building further providers. */
    public String sunPkcs11Config() {
        return config;
    }

    /** Variables the library reads when loaded: empty, PKCS11SPY(_OUTPUT) or P11TRACE_MODULE/OUTPUT. */
    public Map<String, String> environment() {
        return environment;
    }

    public boolean spied() {
        return spyLog != null;
    }

    /** The pkcs11-spy log; only for tokens made with {@link #createSpied}. */
    public Path spyLog() {
        if (spyLog == null) {
            throw new IllegalStateException("NSS token " + name + " is not spied; use NssToken.createSpied");
        }
        return spyLog;
    }

    public boolean traced() {
        return traceLog != null;
    }

    /** The {@link P11Trace} log; only for tokens made with {@link #createTraced}. */
    public Path traceLog() {
        if (traceLog == null) {
            throw new IllegalStateException("NSS token " + name + " is not traced; use NssToken.createTraced");
        }
        return traceLog;
    }

    /** The NSS database directory (use as "sql:" + dbDir with certutil). */
    public Path dbDir() {
        return dbDir;
    }

    /** A copy of the database password, which is the user PIN; clear it when done. */
    public char[] pin() {
        return pin.clone();
    }

    /** The password in a mode-600 file, usable as certutil -f. */
    public Path pinFile() {
        return pinFile;
    }

    public Path dir() {
        return dir;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Pkcs11Modules.logout(provider);
        FixtureFiles.deleteTree(dir);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("NSS token " + name + " is closed");
        }
    }

    @Override
    public String toString() {
        return "NssToken[" + name + (spied() ? ", spied" : "") + (traced() ? ", traced" : "") + ", " + dir + "]";
    }
}
