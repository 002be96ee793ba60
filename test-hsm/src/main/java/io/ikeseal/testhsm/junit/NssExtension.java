package io.ikeseal.testhsm.junit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.ikeseal.testhsm.NssToken;

/**
 * One NSS softoken token per test class: {@code @RegisterExtension static NssExtension nss = NssExtension.create();}
 * or {@code NssExtension.spied()} to log every PKCS#11 call. Closed after all tests.
 */
public final class NssExtension implements BeforeAllCallback, AfterAllCallback {
    private final boolean spied;
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

    public NssExtension withName(String name) {
        this.name = name;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        token = spied ? NssToken.createSpied(FixtureDirs.baseDir(), name) : NssToken.create(FixtureDirs.baseDir(), name);
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
