package io.ikeseal.agent.sa;

/** IPsec mode of a CHILD_SA: tunnel unless both agree on transport via USE_TRANSPORT_MODE (RFC 7296 §1.3.1). */
public enum ChildSaMode {
    TUNNEL,
    TRANSPORT;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
