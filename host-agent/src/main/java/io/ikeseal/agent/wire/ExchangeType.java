package io.ikeseal.agent.wire;

/** IKEv2 exchange types (RFC 7296 §3.1). The header keeps the raw number, so unknown exchanges still parse. */
public enum ExchangeType {
    IKE_SA_INIT(34),
    IKE_AUTH(35),
    CREATE_CHILD_SA(36),
    INFORMATIONAL(37);

    private final int code;

    ExchangeType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The known exchange for {@code code}, or null. */
    public static ExchangeType of(int code) {
        for (ExchangeType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    public static String name(int code) {
        ExchangeType t = of(code);
        return t != null ? t.name() : "exchange " + code;
    }
}
