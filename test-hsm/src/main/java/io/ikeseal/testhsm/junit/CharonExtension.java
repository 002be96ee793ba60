package io.ikeseal.testhsm.junit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import io.ikeseal.testhsm.strongswan.Charon;
import io.ikeseal.testhsm.strongswan.CharonOptions;

/**
 * One strongSwan charon per test class, started before the first test in a fresh directory and
 * stopped after the last:
 * <pre>{@code
 * @RegisterExtension
 * static CharonExtension peer = CharonExtension.named("peer");
 * ...
 * peer.charon().load(SwanctlConf.of(...));
 * }</pre>
 * When a test fails, the end of charon's log goes to stderr.
 */
public final class CharonExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    static final int LOG_LINES_ON_FAILURE = 150;

    private final String name;
    private CharonOptions options = CharonOptions.defaults();
    private Charon charon;

    private CharonExtension(String name) {
        this.name = name;
    }

    public static CharonExtension named(String name) {
        return new CharonExtension(name);
    }

    public CharonExtension withOptions(CharonOptions options) {
        this.options = options;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        charon = Charon.start(FixtureDirs.baseDir(), name, options);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (charon != null) {
            charon.close();
            charon = null;
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Charon c = charon;
        if (c != null) {
            System.err.println("---- " + c + ": last " + LOG_LINES_ON_FAILURE + " lines of " + c.logFile()
                    + " after " + context.getDisplayName() + " failed ----\n" + c.logTail(LOG_LINES_ON_FAILURE)
                    + "\n---- end of charon " + name + " log ----");
        }
    }

    public Charon charon() {
        if (charon == null) {
            throw new IllegalStateException("no charon: register CharonExtension on a static field");
        }
        return charon;
    }
}
