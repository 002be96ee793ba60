package io.ikeseal.testhsm.junit;

import java.nio.file.Path;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.ikeseal.testhsm.NssToken;

/**
 * One NSS softoken token per test class: {@code @RegisterExtension static NssExtension nss = NssExtension.create();}
 * or {@code NssExtension.spied()} to log every PKCS#11 call, or {@code NssExtension.traced()} to log every byte
 * string crossing the PKCS#11 boundary ({@link io.ikeseal.testhsm.P11Trace}). Closed after all tests.
 */
public final class NssExtension implements BeforeAllCallback, AfterAllCallback {
    private final boolean spied;
    private boolean traced;
    private String name = "test";
    private NssToken token;

    private NssExtension(boolean spied) {
        this.spied = spied;
    }

    public static NssExtension create() {
        return new NssExtension(false);
    }

    public static NssExtension spied() {
        return new NssExtension(true);
    }

    public static NssExtension traced() {
        NssExtension e = new NssExtension(false);
        e.traced = true;
        return e;
    }

    public NssExtension withName(String name) {
        this.name = name;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Path base = FixtureDirs.baseDir();
        token = spied
                ? NssToken.createSpied(base, name)
                : traced ? NssToken.createTraced(base, name) : NssToken.create(base, name);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (token != null) {
            token.close();
            token = null;
        }
    }

    public NssToken token() {
        if (token == null) {
            throw new IllegalStateException("no NSS token: register NssExtension on a static field");
        }
        return token;
    }
}
