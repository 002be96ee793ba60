package io.ikeseal.agent.proposal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.ikeseal.agent.proposal.ConfiguredProposal.Encryption;
import io.ikeseal.agent.protect.EncryptionAlgorithm;
import io.ikeseal.agent.protect.IntegrityAlgorithm;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;

/** strongSwan's algorithm keywords for the transforms this daemon implements, both ways. */
final class AlgorithmNames {
    private static final int[] AES_BITS = {128, 192, 256};

    private AlgorithmNames() {}

    /** aes128 (CBC), aes256gcm16 / aes256gcm128 (ICV in octets or bits), aes128gcm (= gcm16), chacha20poly1305. */
    static Encryption encryption(String t) {
        if (t.equals("chacha20poly1305")) {
            return new Encryption(EncryptionAlgorithm.ENCR_CHACHA20_POLY1305, 256);
        }
        for (int bits : AES_BITS) {
            String p = "aes" + bits;
            if (t.equals(p)) {
                return new Encryption(EncryptionAlgorithm.ENCR_AES_CBC, bits);
            }
            if (t.startsWith(p + "gcm")) {
                EncryptionAlgorithm a = switch (t.substring(p.length() + 3)) {
                    case "", "16", "128" -> EncryptionAlgorithm.ENCR_AES_GCM_16;
                    case "12", "96" -> EncryptionAlgorithm.ENCR_AES_GCM_12;
                    case "8", "64" -> EncryptionAlgorithm.ENCR_AES_GCM_8;
                    default -> null;
                };
                return a == null ? null : new Encryption(a, bits);
            }
        }
        return null;
    }

    static IntegrityAlgorithm integrity(String t) {
        return switch (t) {
            case "sha256", "sha2_256" -> IntegrityAlgorithm.AUTH_HMAC_SHA2_256_128;
            case "sha384", "sha2_384" -> IntegrityAlgorithm.AUTH_HMAC_SHA2_384_192;
            case "sha512", "sha2_512" -> IntegrityAlgorithm.AUTH_HMAC_SHA2_512_256;
            default -> null;
        };
    }

    static Prf prf(String t) {
        return Prf.byProposalName(t).orElse(null);
    }

    static DhGroup group(String t) {
        return DhGroup.byProposalName(t).orElse(null);
    }

    /** The PRF on the integrity algorithm's hash, for IKE proposals that name no PRF. */
    static Prf prfFor(IntegrityAlgorithm i) {
        return switch (i) {
            case AUTH_HMAC_SHA2_256_128 -> Prf.HMAC_SHA2_256;
            case AUTH_HMAC_SHA2_384_192 -> Prf.HMAC_SHA2_384;
            case AUTH_HMAC_SHA2_512_256 -> Prf.HMAC_SHA2_512;
            case NONE -> throw new IllegalArgumentException("no PRF for no integrity");
        };
    }

    static String name(Encryption e) {
        return switch (e.algorithm()) {
            case ENCR_AES_CBC -> "aes" + e.keyLengthBits();
            case ENCR_AES_GCM_8 -> "aes" + e.keyLengthBits() + "gcm8";
            case ENCR_AES_GCM_12 -> "aes" + e.keyLengthBits() + "gcm12";
            case ENCR_AES_GCM_16 -> "aes" + e.keyLengthBits() + "gcm16";
            case ENCR_CHACHA20_POLY1305 -> "chacha20poly1305";
        };
    }

    static String name(IntegrityAlgorithm i) {
        return switch (i) {
            case AUTH_HMAC_SHA2_256_128 -> "sha256";
            case AUTH_HMAC_SHA2_384_192 -> "sha384";
            case AUTH_HMAC_SHA2_512_256 -> "sha512";
            case NONE -> "";
        };
    }

    static String known(boolean ike) {
        List<String> names = new ArrayList<>();
        for (int bits : AES_BITS) {
            names.add("aes" + bits);
            names.add("aes" + bits + "gcm16");
        }
        names.add("aesNNNgcm8/gcm12");
        names.add("chacha20poly1305");
        names.add("sha256/384/512");
        if (ike) {
            for (Prf p : Prf.values()) {
                names.add(p.proposalName());
            }
        }
        for (DhGroup g : DhGroup.values()) {
            names.add(g.proposalName());
        }
        if (!ike) {
            names.add("esn/noesn");
        }
        return String.join(", ", names).toLowerCase(Locale.ROOT);
    }
}
