package io.ikeseal.hsm.sign;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.IdentityKey;
import io.ikeseal.testhsm.IdentitySpec;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/** Finding identity keys by label and by RFC 7512 URI in a SoftHSM token; lookups are audited token calls. */
class TokenIdentityTest {
    static final SoftHsmExtension smartcard = SoftHsmExtension.withIdentities(
                    IdentitySpec.of("gw-ecdsa", KeyKind.EC_P384, "CN=gw.example", "gw.example"),
                    IdentitySpec.of("gw-rsa", KeyKind.RSA_2048, "CN=gw-rsa.example", "gw-rsa.example"))
            .withLabel("gw-id");

    @RegisterExtension
    static final OpenTokenExtension opened =
            OpenTokenExtension.softHsm(smartcard, ResidencyTier.SEALED, TokenRole.IDENTITY);

    static final MemoryAuditSink AUDIT = opened.audit();

    private static Token token() {
        return opened.token();
    }

    @Test
    void byLabel() {
        AUDIT.clear();
        TokenIdentity id = TokenIdentity.find(token(), "gw-ecdsa");
        IdentityKey provisioned = smartcard.identity("gw-ecdsa");
        assertEquals("gw-ecdsa", id.alias());
        assertEquals(KeyType.EC_P384, id.keyType());
        assertEquals(provisioned.certificate(), id.certificate());
        assertTrue(id.chain().length >= 1);
        assertNull(id.privateKey().getEncoded());
        assertEquals(token(), id.token());
        List<AuditRecord> lookups = AUDIT.byOperation("key-lookup");
        assertEquals(1, lookups.size());
        assertEquals("gw-ecdsa", lookups.get(0).keyRef());
        assertEquals("ok", lookups.get(0).result());
        assertFalse(id.toString().contains("BEGIN"), id.toString());
    }

    @Test
    void byUriObject() {
        TokenIdentity id = TokenIdentity.find(token(), "pkcs11:token=gw-id;object=gw-rsa;type=private");
        assertEquals("gw-rsa", id.alias());
        assertEquals(KeyType.RSA, id.keyType());
        assertEquals(smartcard.identity("gw-rsa").certificate(), id.certificate());
    }

    @Test
    void byUriId() {
        // test-hsm sets CKA_ID to the alias's UTF-8 octets; percent-encode every octet as RFC 7512 allows
        StringBuilder pct = new StringBuilder();
        for (byte b : "gw-ecdsa".getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            pct.append('%').append(String.format("%02X", b));
        }
        TokenIdentity id = TokenIdentity.find(token(), "pkcs11:id=" + pct);
        assertEquals("gw-ecdsa", id.alias());
        assertEquals(KeyType.EC_P384, id.keyType());
        TokenIdentity both = TokenIdentity.find(token(), "pkcs11:object=gw-ecdsa;id=" + pct);
        assertEquals("gw-ecdsa", both.alias());
        TokenException e =
                assertThrows(TokenException.class, () -> TokenIdentity.find(token(), "pkcs11:object=gw-rsa;id=" + pct));
        assertTrue(e.getMessage().contains("has no private key"), e.getMessage());
    }

    @Test
    void missingKeyNamesWhatIsThere() {
        AUDIT.clear();
        TokenException e = assertThrows(TokenException.class, () -> TokenIdentity.find(token(), "gw-eddsa"));
        assertEquals(
                "token '" + token().name() + "' has no private key 'gw-eddsa' (keys present: [gw-ecdsa, gw-rsa])",
                e.getMessage());
        assertEquals("TokenException", AUDIT.byOperation("key-lookup").get(0).result());
        TokenException u = assertThrows(TokenException.class, () -> TokenIdentity.find(token(), "pkcs11:object=nope"));
        assertTrue(
                u.getMessage().endsWith("has no private key 'pkcs11:object=nope' (keys present: [gw-ecdsa, gw-rsa])"),
                u.getMessage());
    }

    @Test
    void uriForAnotherTokenOrNonKeyIsRefused() {
        TokenException other = assertThrows(
                TokenException.class, () -> TokenIdentity.find(token(), "pkcs11:token=other;object=gw-rsa"));
        assertTrue(other.getMessage().contains("names token 'other'"), other.getMessage());
        TokenException cert =
                assertThrows(TokenException.class, () -> TokenIdentity.find(token(), "pkcs11:object=gw-rsa;type=cert"));
        assertTrue(cert.getMessage().contains("type=cert"), cert.getMessage());
        assertThrows(TokenException.class, () -> TokenIdentity.find(token(), "pkcs11:token=gw-id"));
    }

    @Test
    void pinValueInUriIsNeverAudited() {
        AUDIT.clear();
        assertThrows(TokenException.class, () -> TokenIdentity.find(token(), "pkcs11:object=nope?pin-value=123456"));
        AuditRecord r = AUDIT.byOperation("key-lookup").get(0);
        assertFalse(r.keyRef().contains("123456"), r.keyRef());
    }
}
