package io.ikeseal.testhsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.KDF;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.testhsm.junit.NssExtension;

/** p11trace in front of the softoken forwards everything and logs the bytes of every buffer, either way. */
class TracedNssTokenTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @RegisterExtension
    static NssExtension traced = NssExtension.traced().withName("traced");

    @Test
    void traceShowsInitializeWithNssArgsAndRedactsThePin() throws Exception {
        NssToken t = traced.token();
        assertTrue(t.traced());
        assertTrue(t.library().getFileName().toString().startsWith("p11trace-"));
        assertEquals(t.softoken().toString(), t.environment().get(P11Trace.MODULE_VARIABLE));

        P11TraceLog log = P11TraceLog.read(t.traceLog());
        assertEquals(1, log.count("C_Initialize"), "one C_Initialize per module copy");
        P11TraceLog.Call init = log.calls().stream()
                .filter(c -> c.function().equals("C_Initialize"))
                .findFirst()
                .orElseThrow();
        assertEquals("0x0", init.field("rv"));
        assertEquals(
                HexFormat.of().formatHex(t.nssArgs().getBytes(StandardCharsets.US_ASCII)),
                init.field("pReserved"),
                "nssArgs reach the softoken through the trace");
        // JDK 25's SunPKCS11 asks for the PKCS#11 3.0 interface first, so the trace must offer it.
        assertEquals("C_GetInterface", log.calls().getFirst().function());
        assertEquals("0x0", log.calls().getFirst().field("rv"));

        P11TraceLog.Call login = log.calls().stream()
                .filter(c -> c.function().equals("C_Login"))
                .findFirst()
                .orElseThrow();
        char[] pin = t.pin();
        assertEquals("<redacted:" + pin.length + ">", login.field("pin"));
        String text = Files.readString(t.traceLog(), StandardCharsets.ISO_8859_1);
        byte[] pinBytes = new String(pin).getBytes(StandardCharsets.US_ASCII);
        assertFalse(text.contains(new String(pin)), "PIN as text");
        assertFalse(text.contains(HexFormat.of().formatHex(pinBytes)), "PIN as hex");
    }

    /**
     * HKDF-Extract with a salt given as bytes and g^ir as IKM key: the salt bytes and the HKDF_DATA output read
     * back as CKA_VALUE both appear as buffers, while the ECDH result (known from the software side) does not.
     */
    @Test
    void traceHasSaltBytesAndDataOutputButNotTheSealedSharedSecret() throws Exception {
        NssToken t = traced.token();
        long mark = P11TraceLog.mark(t.traceLog());
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", t.provider());
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ours = g.generateKeyPair();
        KeyPairGenerator sw = KeyPairGenerator.getInstance("EC", "SunEC");
        sw.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair theirs = sw.generateKeyPair();
        KeyAgreement ka = KeyAgreement.getInstance("ECDH", t.provider());
        ka.init(ours.getPrivate());
        ka.doPhase(theirs.getPublic(), true);
        SecretKey gir = ka.generateSecret("Generic");
        assertNull(gir.getEncoded());

        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        byte[] prk = KDF.getInstance("HKDF-SHA256", t.provider())
                .deriveData(
                        HKDFParameterSpec.ofExtract().addSalt(salt).addIKM(gir).extractOnly());

        KeyAgreement ref = KeyAgreement.getInstance("ECDH", "SunEC");
        ref.init(theirs.getPrivate());
        ref.doPhase(ours.getPublic(), true);
        byte[] shared = ref.generateSecret();
        Mac hmac = Mac.getInstance("HmacSHA256", "SunJCE");
        hmac.init(new SecretKeySpec(salt, "HmacSHA256"));
        assertArrayEquals(hmac.doFinal(shared), prk);

        P11TraceLog log = P11TraceLog.read(t.traceLog(), mark);
        assertTrue(
                log.calls().stream()
                        .anyMatch(c -> c.function().equals("C_DeriveKey") && "0x1050".equals(c.field("mech"))),
                "ECDH1_DERIVE decoded");
        Map<String, String> found =
                log.find(new SecretSearch().add("salt", salt).add("prk", prk).add("g^ir", shared));
        assertTrue(found.getOrDefault("salt", "").endsWith("C_DeriveKey hkdf.salt"), found.toString());
        assertTrue(found.getOrDefault("prk", "").contains("C_GetAttributeValue values.0x11"), found.toString());
        assertEquals(List.of("salt", "prk"), List.copyOf(found.keySet()), "g^ir stayed in the token");
    }
}
