package io.ikeseal.agent.wire;

/** Security protocol identifiers of proposals, notifications and deletes (RFC 7296 §3.3.1). */
public final class ProtocolId {
    /** Not about an SA (notify payloads only, §3.10). */
    public static final int NONE = 0;

    public static final int IKE = 1;
    public static final int AH = 2;
    public static final int ESP = 3;

    private ProtocolId() {}

    public static String name(int id) {
        return switch (id) {
            case NONE -> "none";
            case IKE -> "IKE";
            case AH -> "AH";
            case ESP -> "ESP";
            default -> "protocol " + id;
        };
    }
}
