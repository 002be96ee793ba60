package io.ikeseal.testhsm.junit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.ikeseal.testhsm.IdentityKey;
import io.ikeseal.testhsm.IdentitySpec;
import io.ikeseal.testhsm.SoftHsmToken;
import io.ikeseal.testhsm.TestCa;

/**
 * One SoftHSM token per test class, provisioned with identities before the first test:
 * <pre>{@code
 * @RegisterExtension
 * static SoftHsmExtension hsm = SoftHsmExtension.withIdentities(
 *         IdentitySpec.of("gw", KeyKind.EC_P256, "CN=gw.example", "gw.example"));
 * }</pre>
 * Register it as a static field; the token is closed (logged out, directory deleted) after all tests.
 */
public final class SoftHsmExtension implements BeforeAllCallback, AfterAllCallback {
    private final List<IdentitySpec> specs;
    private String label = "test";
    private TestCa ca;
    private SoftHsmToken token;
    private final Map<String, IdentityKey> identities = new LinkedHashMap<>();

    private SoftHsmExtension(List<IdentitySpec> specs) {
        this.specs = new ArrayList<>(specs);
    }

    public static SoftHsmExtension create() {
        return new SoftHsmExtension(List.of());
    }

    public static SoftHsmExtension withIdentities(IdentitySpec... specs) {
        return new SoftHsmExtension(List.of(specs));
    }

    /** Token label (default "test"). */
    public SoftHsmExtension withLabel(String label) {
        this.label = label;
        return this;
    }

    /** Issuing CA for the identities (default {@link TestCa#shared()}). */
    public SoftHsmExtension withCa(TestCa ca) {
        this.ca = ca;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ca == null) {
            ca = TestCa.shared();
        }
        token = SoftHsmToken.create(FixtureDirs.baseDir(), label);
        for (IdentitySpec spec : specs) {
            identities.put(spec.alias(), token.generateIdentity(spec, ca));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (token != null) {
            token.close();
            token = null;
        }
        identities.clear();
    }

    public SoftHsmToken token() {
        if (token == null) {
            throw new IllegalStateException("no SoftHSM token: register SoftHsmExtension on a static field");
        }
        return token;
    }

    public TestCa ca() {
        token();
        return ca;
    }

    public IdentityKey identity(String alias) {
        token();
        IdentityKey key = identities.get(alias);
        if (key == null) {
            throw new NoSuchElementException("no identity " + alias + "; provisioned: " + identities.keySet());
        }
        return key;
    }

    public Map<String, IdentityKey> identities() {
        return Map.copyOf(identities);
    }
}
