package io.ikeseal.testhsm.strongswan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One IKE_SA from {@code swanctl --list-sas}: state (CONNECTING, ESTABLISHED, ...), SPIs,
 * endpoints, identities, the negotiated algorithms in strongSwan's names, and its CHILD_SAs.
 * initiator is true when this charon initiated it. Missing fields are "" or 0.
 */
public record IkeSa(
        String name,
        int uniqueId,
        String state,
        boolean initiator,
        long initiatorSpi,
        long responderSpi,
        String localHost,
        int localPort,
        String localId,
        String remoteHost,
        int remotePort,
        String remoteId,
        String encrAlg,
        int encrKeySize,
        String integAlg,
        String prfAlg,
        String dhGroup,
        List<ChildSa> children,
        Map<String, Object> raw) {
    public IkeSa {
        children = List.copyOf(children);
        raw = Map.copyOf(raw);
    }

    public boolean established() {
        return "ESTABLISHED".equals(state);
    }

    /** This charon's CHILD_SAs named name. */
    public List<ChildSa> children(String name) {
        return children.stream().filter(c -> c.name().equals(name)).toList();
    }

    @SuppressWarnings("unchecked")
    static IkeSa from(String name, Map<String, Object> m) {
        List<ChildSa> children = new ArrayList<>();
        Object cs = m.get("child-sas");
        if (cs instanceof Map<?, ?> map) {
            for (Object child : map.values()) {
                children.add(ChildSa.from((Map<String, Object>) child));
            }
        }
        return new IkeSa(
                name,
                num(m, "uniqueid"),
                str(m, "state"),
                "yes".equals(m.get("initiator")),
                spi(m, "initiator-spi"),
                spi(m, "responder-spi"),
                str(m, "local-host"),
                num(m, "local-port"),
                str(m, "local-id"),
                str(m, "remote-host"),
                num(m, "remote-port"),
                str(m, "remote-id"),
                str(m, "encr-alg"),
                num(m, "encr-keysize"),
                str(m, "integ-alg"),
                str(m, "prf-alg"),
                str(m, "dh-group"),
                children,
                m);
    }

    /** Every IKE_SA in swanctl --list-sas --pretty output. */
    @SuppressWarnings("unchecked")
    static List<IkeSa> parseList(String pretty) {
        List<IkeSa> sas = new ArrayList<>();
        for (Map<String, Object> event : ViciPretty.messages(pretty, "list-sa event")) {
            event.forEach((conn, body) -> sas.add(from(conn, (Map<String, Object>) body)));
        }
        return List.copyOf(sas);
    }

    static String str(Map<String, Object> m, String key) {
        return m.get(key) instanceof String s ? s : "";
    }

    static int num(Map<String, Object> m, String key) {
        String s = str(m, key);
        return s.isEmpty() ? 0 : Integer.parseInt(s);
    }

    private static long spi(Map<String, Object> m, String key) {
        String s = str(m, key);
        return s.isEmpty() ? 0 : Long.parseUnsignedLong(s, 16);
    }

    @Override
    public String toString() {
        return "%s[%d] %s %016x_i%s %016x_r%s %s/%s/%s %s"
                .formatted(
                        name,
                        uniqueId,
                        state,
                        initiatorSpi,
                        initiator ? "*" : "",
                        responderSpi,
                        initiator ? "" : "*",
                        encrAlg + "-" + encrKeySize,
                        integAlg.isEmpty() ? prfAlg : integAlg + "/" + prfAlg,
                        dhGroup,
                        children);
    }
}
