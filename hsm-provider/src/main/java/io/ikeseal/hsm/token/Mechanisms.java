package io.ikeseal.hsm.token;

/** PKCS#11 mechanism numbers the capability probe looks for (PKCS#11 3.0 §6). */
public final class Mechanisms {
    public static final long CKM_RSA_PKCS = 0x1L;
    public static final long CKM_RSA_PKCS_PSS = 0xDL;
    public static final long CKM_DH_PKCS_KEY_PAIR_GEN = 0x20L;
    public static final long CKM_DH_PKCS_DERIVE = 0x21L;
    public static final long CKM_SHA256_RSA_PKCS = 0x40L;
    public static final long CKM_SHA384_RSA_PKCS = 0x41L;
    public static final long CKM_SHA512_RSA_PKCS = 0x42L;
    public static final long CKM_SHA256_RSA_PKCS_PSS = 0x43L;
    public static final long CKM_SHA384_RSA_PKCS_PSS = 0x44L;
    public static final long CKM_SHA512_RSA_PKCS_PSS = 0x45L;
    public static final long CKM_CONCATENATE_BASE_AND_KEY = 0x360L;
    public static final long CKM_CONCATENATE_BASE_AND_DATA = 0x362L;
    public static final long CKM_CONCATENATE_DATA_AND_BASE = 0x363L;
    public static final long CKM_EC_KEY_PAIR_GEN = 0x1040L;
    public static final long CKM_ECDSA = 0x1041L;
    public static final long CKM_ECDSA_SHA256 = 0x1044L;
    public static final long CKM_ECDSA_SHA384 = 0x1045L;
    public static final long CKM_ECDSA_SHA512 = 0x1046L;
    public static final long CKM_ECDH1_DERIVE = 0x1050L;
    public static final long CKM_HKDF_DERIVE = 0x402AL;
    public static final long CKM_HKDF_DATA = 0x402BL;

    private Mechanisms() {}
}
