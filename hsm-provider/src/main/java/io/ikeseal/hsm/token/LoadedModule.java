package io.ikeseal.hsm.token;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import sun.security.pkcs11.wrapper.PKCS11;

/**
 * One PKCS#11 library as this process has it loaded, shared by every {@link Token} on it (docs/tokens.md, "Faults and
 * recovery"). The dynamic linker maps a library file once, so C_Finalize through any wrapper of it ends the module for
 * all of them: re-initialising is therefore a module-wide step, done once per fault however many tokens notice it,
 * and only while no call of any of those tokens is inside the module ({@link #calls}).
 */
final class LoadedModule {
    private static final ConcurrentMap<Path, LoadedModule> BY_FILE = new ConcurrentHashMap<>();
    /** How long a re-initialisation waits for calls still inside the module. */
    private static final long DRAIN_SECONDS = 2;

    /** Calls hold the read lock while they run in the module; re-initialising takes the write lock. */
    final ReentrantReadWriteLock calls = new ReentrantReadWriteLock();

    private final Path file;
    /** The spelling of the file the module was initialized under last. */
    private Path current;

    private int respellings;

    private LoadedModule(Path file) {
        this.file = file;
        this.current = file;
    }

    /** The process's one instance for the library file {@code library} names (symbolic links resolved). */
    static LoadedModule of(Path library) {
        return BY_FILE.computeIfAbsent(canonical(library), LoadedModule::new);
    }

    /** The path to load the module under now. */
    synchronized Path current() {
        return current;
    }

    /**
     * C_Finalize, then C_Initialize under a spelling of the path SunPKCS11's wrapper has not cached (it initializes a
     * module once per path and never finalizes one). If another token re-initialised the module since {@code seen}
     * was current, that is taken as done and nothing is finalized: its fresh sessions stay valid. {@code spec} gives
     * the environment and initialization arguments the module is initialized with.
     */
    synchronized Path reinitialize(Path seen, TokenSpec spec) throws InterruptedException {
        if (!current.equals(seen)) {
            return current;
        }
        if (!calls.writeLock().tryLock(DRAIN_SECONDS, TimeUnit.SECONDS)) {
            throw new TokenException("PKCS#11 module " + file + ": calls still running; not re-initialised");
        }
        try {
            try {
                PKCS11.getInstance(current.toString(), "C_GetFunctionList", null, true)
                        .C_Finalize(null);
            } catch (Exception e) {
                // not initialized any more, or the module refuses: C_Initialize below says whether it works
            }
            Path next = respelled(file, ++respellings);
            synchronized (TokenLogin.INIT_LOCK) {
                // C_Initialize reads the token's environment again (SoftHSM: SOFTHSM2_CONF), which another token's
                // start may have changed since: set it as the token's configuration says
                spec.environment().forEach(NativeEnvironment::set);
                Pkcs11Module.load(next, spec.nssArgs());
            }
            current = next;
            return next;
        } finally {
            calls.writeLock().unlock();
        }
    }

    /**
     * The same file under a new wrapper cache key: {@code n} in binary after the directory, {@code ./} for a 0 and
     * {@code ../DIR/} for a 1 ({@code lib/./../lib/libx.so} is 2; {@link Path} folds repeated slashes, not dots), so a
     * token that stays away for days of retries still gets a short path.
     */
    static Path respelled(Path library, int n) {
        Path dir = library.toAbsolutePath().getParent();
        String up = dir.getFileName() == null ? "./" : "../" + dir.getFileName() + "/";
        StringBuilder path = new StringBuilder(dir.toString()).append('/');
        for (char bit : Integer.toBinaryString(n).toCharArray()) {
            path.append(bit == '1' ? up : "./");
        }
        return Path.of(path.append(library.getFileName()).toString());
    }

    private static Path canonical(Path library) {
        try {
            return library.toRealPath();
        } catch (IOException e) {
            return library.toAbsolutePath().normalize(); // missing now: Pkcs11Module.load reports it
        }
    }
}
