package io.ikeseal.agent.wire;

/** IKEv2 payload types (RFC 7296 §3.2, RFC 7383 §2.5); 0 is "no next payload". */
public enum PayloadType {
    SA(33, "SA"),
    KE(34, "KE"),
    IDI(35, "IDi"),
    IDR(36, "IDr"),
    CERT(37, "CERT"),
    CERTREQ(38, "CERTREQ"),
    AUTH(39, "AUTH"),
    NONCE(40, "Nonce"),
    NOTIFY(41, "N"),
    DELETE(42, "D"),
    VENDOR_ID(43, "V"),
    TSI(44, "TSi"),
    TSR(45, "TSr"),
    SK(46, "SK"),
    CP(47, "CP"),
    EAP(48, "EAP"),
    SKF(53, "SKF");

    public static final int NONE = 0;

    private static final PayloadType[] BY_CODE = new PayloadType[256];

    static {
        for (PayloadType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final String rfcName;

    PayloadType(int code, String rfcName) {
        this.code = code;
        this.rfcName = rfcName;
    }

    public int code() {
        return code;
    }

    /** The notation of RFC 7296 §3.2, e.g. "IDi" or "N". */
    public String rfcName() {
        return rfcName;
    }

    /** The known type for {@code code}, or null. */
    public static PayloadType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** "IDi" for a known type, "payload 99" otherwise. */
    public static String name(int code) {
        PayloadType t = of(code);
        return t != null ? t.rfcName : "payload " + code;
    }
}
