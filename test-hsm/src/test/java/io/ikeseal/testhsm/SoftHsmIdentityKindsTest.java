package io.ikeseal.testhsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.testhsm.junit.SoftHsmExtension;

/** The larger key types, checked from outside the JVM with pkcs11-tool as well. */
class SoftHsmIdentityKindsTest {
    @RegisterExtension
    static SoftHsmExtension hsm = SoftHsmExtension.withIdentities(
            IdentitySpec.of("p384", KeyKind.EC_P384, "CN=p384.example", "p384.example"),
            IdentitySpec.of("p521", KeyKind.EC_P521, "CN=p521.example", "p521.example"),
            IdentitySpec.of("rsa3072", KeyKind.RSA_3072, "CN=rsa3072.example", "rsa3072.example"));

    @Test
    void everyKindSignsAndIsSealed() throws Exception {
        for (IdentityKey id : hsm.identities().values()) {
            assertTrue(Signing.signAndVerify(hsm.token().provider(), id), id.alias());
            assertNull(id.privateKey().getEncoded(), id.alias());
            Chains.verify(id.chain(), hsm.ca());
        }
        assertEquals(
                521,
                ((ECPublicKey) hsm.identity("p521").certificate().getPublicKey())
                        .getParams()
                        .getCurve()
                        .getField()
                        .getFieldSize());
        assertEquals(
                3072,
                ((RSAPublicKey) hsm.identity("rsa3072").certificate().getPublicKey())
                        .getModulus()
                        .bitLength());
    }

    @Test
    void pkcs11ToolSeesLabelledNeverExtractableKeysWithCertificates() {
        SoftHsmToken t = hsm.token();
        List<String> cmd = List.of(
                DebianTools.pkcs11Tool().toString(),
                "--module",
                t.library().toString(),
                "--slot",
                Long.toString(t.slot()),
                "--login",
                "--pin",
                new String(t.pin()),
                "--list-objects");
        String out = Subprocess.run(cmd, t.environment());
        for (String alias : hsm.identities().keySet()) {
            String key = block(out, "Private Key Object", alias);
            assertTrue(key.contains("never extractable") && key.contains("sensitive"), key);
            assertTrue(
                    key.contains("ID:         "
                            + java.util.HexFormat.of()
                                    .formatHex(alias.getBytes(java.nio.charset.StandardCharsets.US_ASCII))),
                    key);
            assertTrue(key.contains("sign") && !key.contains("decrypt"), key);
            assertFalse(block(out, "Certificate Object", alias).isEmpty());
        }
    }

    @Test
    void pinFileIsOwnerOnlyAndHoldsThePin() throws Exception {
        SoftHsmToken t = hsm.token();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(t.pinFile())));
        assertEquals(new String(t.pin()), Files.readString(t.pinFile()));
    }

    @Test
    void aliasesMustBeNewAndPlain() {
        SoftHsmToken t = hsm.token();
        assertThrows(
                IllegalArgumentException.class,
                () -> t.generateIdentity("p384", KeyKind.EC_P256, hsm.ca(), "CN=dup", List.of()));
        assertThrows(
                IllegalArgumentException.class,
                () -> t.generateIdentity("bad alias", KeyKind.EC_P256, hsm.ca(), "CN=bad", List.of()));
    }

    /** The pkcs11-tool block of the given type whose label is alias, or "". */
    private static String block(String listing, String type, String alias) {
        List<String> blocks = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : listing.lines().toList()) {
            if (!line.startsWith(" ")) {
                if (cur != null) {
                    blocks.add(cur.toString());
                }
                cur = new StringBuilder();
            }
            if (cur != null) {
                cur.append(line).append('\n');
            }
        }
        if (cur != null) {
            blocks.add(cur.toString());
        }
        return blocks.stream()
                .filter(b -> b.startsWith(type) && b.contains("label:      " + alias + "\n"))
                .findFirst()
                .orElse("");
    }
}
