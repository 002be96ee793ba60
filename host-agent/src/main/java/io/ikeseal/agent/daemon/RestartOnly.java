package io.ikeseal.agent.daemon;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.ikeseal.agent.config.ConfigException;
import io.ikeseal.agent.config.IkeSettingsConfig;
import io.ikeseal.agent.config.IkesealConfig;

/**
 * What a reload refuses (docs/operations-reload.md): the sections the running daemon was built from and cannot swap
 * under live SAs — the audit log, the tokens (opened and logged in to once), the listen addresses (bound sockets),
 * the {@code ike:} settings every SA shares, the data plane, and the metrics endpoint, log format and control
 * socket chosen at start. A change to one of them is a {@link ConfigException}
 * naming the key and saying that it needs a restart.
 */
final class RestartOnly {
    /** {@code ike:} keys named other than their record component. */
    private static final Map<String, String> IKE_KEYS = Map.of(
            "natTPort", "nat-t-port",
            "requiredTier", "require-tier",
            "exchange", "");

    private RestartOnly() {}

    static void check(IkesealConfig running, IkesealConfig next) {
        same(next, "audit", running.audit(), next.audit());
        List<?> before = running.tokens();
        List<?> after = next.tokens();
        for (int i = 0; i < Math.max(before.size(), after.size()); i++) {
            same(
                    next,
                    "tokens[" + i + "]",
                    i < before.size() ? before.get(i) : null,
                    i < after.size() ? after.get(i) : null);
        }
        same(next, "listen", running.listen(), next.listen());
        ike(next, running.ike(), next.ike());
        same(next, "data-plane", running.dataPlane(), next.dataPlane());
        // the endpoint, the log encoder and the control socket are bound or chosen once, at start
        same(
                next,
                "metrics",
                running.observability().metrics(),
                next.observability().metrics());
        same(
                next,
                "logging",
                running.observability().logFormat(),
                next.observability().logFormat());
        same(next, "control", running.control(), next.control());
        same(next, "debug", running.debug(), next.debug()); // the Wireshark tables are opened (and audited) at start
    }

    /** Names the first {@code ike:} setting that differs (the exchange settings as {@code ike} as a whole). */
    private static void ike(IkesealConfig next, IkeSettingsConfig before, IkeSettingsConfig after) {
        if (before.equals(after)) {
            return;
        }
        for (RecordComponent rc : IkeSettingsConfig.class.getRecordComponents()) {
            try {
                Object a = rc.getAccessor().invoke(before);
                Object b = rc.getAccessor().invoke(after);
                String key = IKE_KEYS.getOrDefault(rc.getName(), kebab(rc.getName()));
                same(next, key.isEmpty() ? "ike" : "ike." + key, a, b);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read ike." + rc.getName(), e);
            }
        }
        same(next, "ike", before, after);
    }

    private static void same(IkesealConfig next, String key, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            throw new ConfigException(
                    next.file(),
                    key,
                    "changed, which needs a restart (a reload applies connections, identities, psks and trust); "
                            + "nothing was changed");
        }
    }

    private static String kebab(String camel) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                b.append('-').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
