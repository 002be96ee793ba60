package io.ikeseal.testhsm;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.util.List;
import java.util.Map;

/**
 * A fresh, isolated SoftHSM token: its own directory, softhsm2.conf, token store, and its own
 * copy of libsofthsm2.so (SoftHSM reads SOFTHSM2_CONF once per loaded library, SunPKCS11 loads
 * one module per path), so several tokens coexist in one JVM.
 *
 * <p>close() logs out and deletes the directory. The module stays mapped: SunPKCS11 never
 * unloads a library, so each token costs one small copy of SoftHSM for the JVM's lifetime.
 */
public final class SoftHsmToken implements AutoCloseable {
    private final Path dir;
    private final String label;
    private final Path conf;
    private final Path library;
    private final long slot;
    private final char[] pin;
    private final char[] soPin;
    private final Path pinFile;
    private final String config;
    private final Provider provider;
    private volatile boolean closed;

    private SoftHsmToken(
            Path dir,
            String label,
            Path conf,
            Path library,
            long slot,
            char[] pin,
            char[] soPin,
            Path pinFile,
            String config,
            Provider provider) {
        this.dir = dir;
        this.label = label;
        this.conf = conf;
        this.library = library;
        this.slot = slot;
        this.pin = pin;
        this.soPin = soPin;
        this.pinFile = pinFile;
        this.config = config;
        this.provider = provider;
    }

    /** Initializes a token labelled label in a new directory under baseDir and logs in to it. */
    public static SoftHsmToken create(Path baseDir, String label) {
        TokenFiles.checkName("token label", label);
        Path util = DebianTools.softhsm2Util();
        Path module = DebianTools.libSofthsm2();
        Path dir = FixtureFiles.newDir(baseDir, "softhsm-" + label);
        try {
            Path tokens = dir.resolve("tokens");
            Path conf = dir.resolve("softhsm2.conf");
            FixtureFiles.write(
                    conf,
                    "directories.tokendir = " + FixtureFiles.mkdirs(tokens)
                            + "\nobjectstore.backend = file\nlog.level = ERROR\n");
            Map<String, String> env = Map.of("SOFTHSM2_CONF", conf.toString());
            char[] pin = TokenFiles.randomPin();
            char[] soPin = TokenFiles.randomPin();
            Path pinFile = TokenFiles.writeSecret(dir.resolve("user.pin"), pin);
            TokenFiles.writeSecret(dir.resolve("so.pin"), soPin);
            Subprocess.run(
                    List.of(
                            util.toString(),
                            "--init-token",
                            "--free",
                            "--label",
                            label,
                            "--pin",
                            new String(pin),
                            "--so-pin",
                            new String(soPin)),
                    env);
            long slot = parseSlot(Subprocess.run(List.of(util.toString(), "--show-slots"), env), label);
            Path library = TokenFiles.copyModule(module, dir, "libsofthsm2");
            String config = "name = softhsm-" + label + "\n"
                    + "library = " + library + "\n"
                    + "slot = " + slot + "\n"
                    // SoftHSM refuses ECDH with EC private keys lacking CKA_DERIVE
                    + "attributes(generate,CKO_PRIVATE_KEY,CKK_EC) = {\n  CKA_DERIVE = true\n}\n";
            Provider provider = Pkcs11Modules.load(config, env);
            Pkcs11Modules.keyStore(provider, pin.clone());
            return new SoftHsmToken(dir, label, conf, library, slot, pin, soPin, pinFile, config, provider);
        } catch (RuntimeException | Error e) {
            FixtureFiles.deleteTree(dir);
            throw e;
        }
    }

    /** Finds "Slot N" whose token has "Label: label" in softhsm2-util --show-slots output. */
    static long parseSlot(String showSlots, String label) {
        Long current = null;
        for (String line : showSlots.lines().toList()) {
            String t = line.strip();
            if (line.startsWith("Slot ")) {
                current = Long.parseLong(line.substring(5).strip());
            } else if (t.startsWith("Label:") && t.substring(6).strip().equals(label) && current != null) {
                return current;
            }
        }
        throw new IllegalStateException(
                "softhsm2-util --show-slots lists no token labelled " + label + ":\n" + showSlots);
    }

    /**
     * Generates a key pair inside the token (token object, sensitive, non-extractable,
     * CKA_LABEL = alias, CKA_ID = alias bytes) and stores a certificate from ca next to it.
     */
    public IdentityKey generateIdentity(String alias, KeyKind kind, TestCa ca, String subjectDn, List<String> sans) {
        return IdentityProvisioner.generate(this, new IdentitySpec(alias, kind, subjectDn, sans), ca);
    }

    public IdentityKey generateIdentity(IdentitySpec spec, TestCa ca) {
        return IdentityProvisioner.generate(this, spec, ca);
    }

    /**
     * As {@link #generateIdentity(IdentitySpec, TestCa)}, the private key with CKA_ALWAYS_AUTHENTICATE: each
     * signature then needs a context-specific login (C_Login with CKU_CONTEXT_SPECIFIC after C_SignInit).
     */
    public IdentityKey generateAlwaysAuthenticateIdentity(IdentitySpec spec, TestCa ca) {
        return IdentityProvisioner.generate(this, spec, ca, true);
    }

    /** A freshly loaded, logged-in KeyStore (sees every object stored so far). */
    public KeyStore keyStore() {
        checkOpen();
        return Pkcs11Modules.keyStore(provider, pin.clone());
    }

    /** Logged-in SunPKCS11 provider for this token; not in the global provider list. */
    public Provider provider() {
        checkOpen();
        return provider;
    }

    /** The SunPKCS11 config (without the leading "--") for building further providers. */
    public String sunPkcs11Config() {
        return config;
    }

    /** Environment the module needs at C_Initialize, e.g. for a subprocess (pkcs11-tool, charon). */
    public Map<String, String> environment() {
        return Map.of("SOFTHSM2_CONF", conf.toString());
    }

    /** The per-token copy of libsofthsm2.so. */
    public Path library() {
        return library;
    }

    public long slot() {
        return slot;
    }

    public String label() {
        return label;
    }

    /** A copy of the user PIN; clear it when done. */
    public char[] pin() {
        return pin.clone();
    }

    public char[] soPin() {
        return soPin.clone();
    }

    /** The user PIN in a mode-600 file (no trailing newline). */
    public Path pinFile() {
        return pinFile;
    }

    public Path conf() {
        return conf;
    }

    public Path dir() {
        return dir;
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
            throw new IllegalStateException("SoftHSM token " + label + " is closed");
        }
    }

    @Override
    public String toString() {
        return "SoftHsmToken[" + label + ", slot " + slot + ", " + dir + "]";
    }
}
