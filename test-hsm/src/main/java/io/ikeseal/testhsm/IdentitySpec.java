package io.ikeseal.testhsm;

import java.util.List;

/**
 * What to provision: an alias, a key type, a subject DN and subjectAltNames.
 * A SAN is "dns:", "email:" or "ip:" followed by the value, or a bare value whose form decides
 * (contains '@' = email, an IP literal = IP, otherwise DNS).
 */
public record IdentitySpec(String alias, KeyKind kind, String subjectDn, List<String> sans) {
    public IdentitySpec {
        sans = List.copyOf(sans);
    }

    public static IdentitySpec of(String alias, KeyKind kind, String subjectDn, String... sans) {
        return new IdentitySpec(alias, kind, subjectDn, List.of(sans));
    }
}
