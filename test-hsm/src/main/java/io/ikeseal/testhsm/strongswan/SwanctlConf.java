package io.ikeseal.testhsm.strongswan;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A whole swanctl.conf: connections and IKE pre-shared keys. {@link Charon#load(SwanctlConf)}
 * replaces everything loaded before (connections missing from the file are unloaded).
 */
public final class SwanctlConf {
    private final List<Connection> connections = new ArrayList<>();
    private final List<Psk> psks = new ArrayList<>();

    private record Psk(byte[] secret, List<String> ids) {}

    public static SwanctlConf of(Connection... connections) {
        SwanctlConf c = new SwanctlConf();
        for (Connection conn : connections) {
            c.connection(conn);
        }
        return c;
    }

    public SwanctlConf connection(Connection connection) {
        connections.add(connection);
        return this;
    }

    /** An IKE PSK for these identities (any of them, as either side); written as hex, so any bytes work. */
    public SwanctlConf psk(byte[] secret, String... ids) {
        if (secret.length == 0 || ids.length == 0) {
            throw new IllegalArgumentException("a PSK needs a secret and at least one identity");
        }
        psks.add(new Psk(secret.clone(), List.of(ids)));
        return this;
    }

    public String render() {
        StringBuilder b = new StringBuilder("# written by io.ikeseal.testhsm.strongswan\n");
        ConfSection conns = new ConfSection("connections");
        connections.forEach(c -> conns.add(c.section()));
        b.append(conns.render());
        ConfSection secrets = new ConfSection("secrets");
        for (int i = 0; i < psks.size(); i++) {
            Psk p = psks.get(i);
            ConfSection s = new ConfSection("ike-" + (i + 1));
            for (int j = 0; j < p.ids().size(); j++) {
                s.set("id-" + (j + 1), p.ids().get(j));
            }
            s.set("secret", "0x" + HexFormat.of().formatHex(p.secret()));
            secrets.add(s);
        }
        b.append(secrets.render());
        return b.toString();
    }
}
