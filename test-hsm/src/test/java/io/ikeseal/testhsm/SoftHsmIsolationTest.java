package io.ikeseal.testhsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.testhsm.junit.SoftHsmExtension;

/** Two SoftHSM tokens in one JVM: separate modules, separate objects, both usable. */
class SoftHsmIsolationTest {
    @RegisterExtension
    static SoftHsmExtension gateway = SoftHsmExtension.withIdentities(
                    IdentitySpec.of("gw-ec", KeyKind.EC_P256, "CN=gw.example,O=ikeseal", "gw.example", "192.0.2.1"),
                    IdentitySpec.of("gw-rsa", KeyKind.RSA_2048, "CN=gw-rsa.example", "dns:gw-rsa.example"))
            .withLabel("gateway");

    @RegisterExtension
    static SoftHsmExtension peer = SoftHsmExtension.withIdentities(
                    IdentitySpec.of("peer-ec", KeyKind.EC_P256, "CN=peer.example", "peer@example.org"),
                    IdentitySpec.of("peer-rsa", KeyKind.RSA_2048, "CN=peer-rsa.example", "ip:2001:db8::7"))
            .withLabel("peer");

    @Test
    void eachTokenListsOnlyItsOwnAliases() throws Exception {
        assertEquals(Set.of("gw-ec", "gw-rsa"), keyAliases(gateway.token().keyStore()));
        assertEquals(Set.of("peer-ec", "peer-rsa"), keyAliases(peer.token().keyStore()));
        assertFalse(gateway.token().keyStore().containsAlias("peer-ec"));
        assertFalse(peer.token().keyStore().containsAlias("gw-ec"));
    }

    @Test
    void tokensHaveTheirOwnModuleCopyConfAndProvider() {
        SoftHsmToken a = gateway.token();
        SoftHsmToken b = peer.token();
        assertNotEquals(a.library(), b.library());
        assertNotEquals(a.conf(), b.conf());
        assertNotEquals(a.provider(), b.provider());
        assertTrue(a.library().startsWith(a.dir()));
        assertEquals("gateway", a.label());
    }

    @Test
    void bothTokensSignWithEcdsaP256AndRsa2048() throws Exception {
        for (String alias : List.of("gw-ec", "gw-rsa")) {
            assertTrue(Signing.signAndVerify(gateway.token().provider(), gateway.identity(alias)), alias);
        }
        for (String alias : List.of("peer-ec", "peer-rsa")) {
            assertTrue(Signing.signAndVerify(peer.token().provider(), peer.identity(alias)), alias);
        }
    }

    @Test
    void identityKeysAreSealed() throws Exception {
        for (SoftHsmExtension hsm : List.of(gateway, peer)) {
            for (IdentityKey id : hsm.identities().values()) {
                assertNull(id.privateKey().getEncoded(), id.alias());
                PrivateKey reloaded = (PrivateKey) hsm.token().keyStore().getKey(id.alias(), null);
                assertNull(reloaded.getEncoded(), id.alias());
                // SunPKCS11 reports the attributes it read from the token
                assertTrue(reloaded.toString().contains("token object, sensitive, unextractable"), reloaded::toString);
            }
        }
    }

    @Test
    void chainsVerifyAgainstTheCa() throws Exception {
        for (SoftHsmExtension hsm : List.of(gateway, peer)) {
            for (IdentityKey id : hsm.identities().values()) {
                assertEquals(2, id.chain().size());
                assertEquals(hsm.ca().certificate(), id.chain().get(1));
                Chains.verify(id.chain(), hsm.ca());
            }
        }
    }

    private static Set<String> keyAliases(KeyStore ks) throws Exception {
        Set<String> keys = new TreeSet<>();
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias)) {
                keys.add(alias);
            }
        }
        return keys;
    }
}
