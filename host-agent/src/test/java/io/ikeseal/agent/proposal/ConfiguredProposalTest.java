package io.ikeseal.agent.proposal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.ikeseal.agent.protect.EncryptionAlgorithm;
import io.ikeseal.agent.protect.IntegrityAlgorithm;
import io.ikeseal.agent.wire.Proposal;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.Transform;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;

class ConfiguredProposalTest {

    @Test
    void aeadIkeProposal() {
        ConfiguredProposal p = ConfiguredProposal.ike("aes256gcm16-prfsha256-ecp256");
        assertEquals(
                List.of(new ConfiguredProposal.Encryption(EncryptionAlgorithm.ENCR_AES_GCM_16, 256)), p.encryption());
        assertEquals(List.of(), p.integrity());
        assertEquals(List.of(Prf.HMAC_SHA2_256), p.prfs());
        assertEquals(List.of(DhGroup.ECP_256), p.groups());
        assertTrue(p.isAead());
    }

    @Test
    void integrityImpliesThePrfOfItsHash() {
        ConfiguredProposal p = ConfiguredProposal.ike("aes128-sha256-modp2048");
        assertEquals(EncryptionAlgorithm.ENCR_AES_CBC, p.encryption().getFirst().algorithm());
        assertEquals(128, p.encryption().getFirst().keyLengthBits());
        assertEquals(List.of(IntegrityAlgorithm.AUTH_HMAC_SHA2_256_128), p.integrity());
        assertEquals(List.of(Prf.HMAC_SHA2_256), p.prfs());
        assertEquals(List.of(DhGroup.MODP_2048), p.groups());
        assertEquals(
                List.of(Prf.HMAC_SHA2_384),
                ConfiguredProposal.ike("aes256-sha384-ecp384").prfs());
    }

    @Test
    void alternativesKeepTheirOrder() {
        ConfiguredProposal p = ConfiguredProposal.ike("aes256-aes128-sha384-sha256-ecp384-modp2048");
        assertEquals(
                List.of(256, 128),
                p.encryption().stream()
                        .map(ConfiguredProposal.Encryption::keyLengthBits)
                        .toList());
        assertEquals(List.of(Prf.HMAC_SHA2_384, Prf.HMAC_SHA2_256), p.prfs());
        assertEquals(List.of(DhGroup.ECP_384, DhGroup.MODP_2048), p.groups());
    }

    @ParameterizedTest
    @CsvSource({
        "aes128gcm8,ENCR_AES_GCM_8,128",
        "aes192gcm12,ENCR_AES_GCM_12,192",
        "aes256gcm128,ENCR_AES_GCM_16,256",
        "aes128gcm,ENCR_AES_GCM_16,128",
        "chacha20poly1305,ENCR_CHACHA20_POLY1305,256",
        "aes192,ENCR_AES_CBC,192"
    })
    void encryptionNames(String name, EncryptionAlgorithm alg, int bits) {
        ConfiguredProposal p = ConfiguredProposal.esp(name + (alg.isAead() ? "" : "-sha256"));
        assertEquals(
                new ConfiguredProposal.Encryption(alg, bits), p.encryption().getFirst());
    }

    @Test
    void espDefaultsToNoEsnAndTakesAPfsGroup() {
        ConfiguredProposal p = ConfiguredProposal.esp("aes128gcm16-ecp256");
        assertEquals(List.of(false), p.esn());
        assertEquals(List.of(DhGroup.ECP_256), p.groups());
        assertEquals(
                List.of(true, false),
                ConfiguredProposal.esp("aes128-sha256-esn-noesn").esn());
    }

    @Test
    void wireFormCarriesKeyLengthsAndOptionalGroups() {
        ConfiguredProposal p = ConfiguredProposal.esp("aes256-sha256-modp2048-esn");
        Proposal w = p.toWire(2, new byte[] {1, 2, 3, 4}, false);
        assertEquals(2, w.number());
        assertEquals(ProtocolId.ESP, w.protocolId());
        assertEquals(
                List.of(Transform.ENCR, Transform.INTEG, Transform.ESN),
                w.transforms().stream().map(Transform::type).toList());
        assertEquals(256, w.transforms().getFirst().keyLength().orElseThrow());
        assertEquals(4, p.toWire(1, new byte[4], true).transforms().size());
        // ChaCha20-Poly1305 carries no Key Length attribute (RFC 7634 §2).
        assertTrue(ConfiguredProposal.esp("chacha20poly1305")
                .toWire(1, new byte[4], true)
                .transforms()
                .getFirst()
                .keyLength()
                .isEmpty());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "aes256gcm16-ecp256|needs a PRF",
                "aes256-ecp256|needs an integrity algorithm",
                "aes256gcm16-sha256-prfsha256-ecp256|takes no integrity",
                "aes256-prfsha256-sha256|names no Diffie-Hellman group",
                "aes256gcm16-aes256-sha256-prfsha256-ecp256|mixes AEAD",
                "aes256-sha256-ecp256-esn|are for ESP",
                "des-sha1-modp1024|unknown algorithm 'des'",
                "sha256-ecp256|names no encryption",
                "aes256gcm16--prfsha256-ecp256|unknown algorithm ''",
                "' '|empty proposal"
            })
    void ikeSyntaxErrorsSayWhy(String text, String why) {
        ProposalSyntaxException e = assertThrows(ProposalSyntaxException.class, () -> ConfiguredProposal.ike(text));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void prfInEspIsRefused() {
        assertTrue(assertThrows(ProposalSyntaxException.class, () -> ConfiguredProposal.esp("aes256gcm16-prfsha256"))
                .getMessage()
                .contains("belongs to IKE"));
    }
}
