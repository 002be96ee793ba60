package io.ikeseal.agent.daemon;

import java.util.ArrayList;
import java.util.List;

/**
 * The listen, ike and connections sections of one daemon with one connection and one CHILD_SA, starting from the
 * {@link TestDeployment} gateway (responder for any address) or branch office (initiator) and changed one key at a
 * time, so each scenario states only what it is about. A builder: each factory call starts a fresh one.
 */
final class ConnectionYaml {
    private String name;
    private String address;
    /** A literal address, or "any". */
    private String remote;
    /** remote-port, 0 to leave it out. */
    private int port;

    private String localId;
    private String remoteId;
    private String localAuth = "pubkey";
    private String remoteAuth;
    private String identity;
    private String psk;
    private List<String> proposals = List.of("aes256gcm16-prfsha256-ecp256");
    private List<String> localTs;
    private List<String> remoteTs;
    private List<String> esp = List.of("aes256gcm16");
    private String mode;
    private final List<String> ike = new ArrayList<>();
    /** Further top-level sections, before listen. */
    private final List<String> sections = new ArrayList<>();
    /** Further keys of the connection, e.g. "dpd-delay: 1s". */
    private final List<String> more = new ArrayList<>();
    /** Further children after "net" (same mode). */
    private final List<Child> children = new ArrayList<>();

    private record Child(String name, List<String> localTs, List<String> remoteTs, List<String> esp) {}

    private ConnectionYaml(
            String name, String address, String remote, int port, String localId, String remoteId, String identity) {
        this.name = name;
        this.address = address;
        this.remote = remote;
        this.port = port;
        this.localId = localId;
        this.remoteId = remoteId;
        this.identity = identity;
    }

    /** The gateway's connection "branch": any address, ECDSA both ways, the branch office's ID. */
    static ConnectionYaml gateway() {
        return new ConnectionYaml(
                "branch", "127.0.0.1", "any", 0, TestDeployment.GATEWAY, TestDeployment.BRANCH, "gateway-ecdsa");
    }

    /** The branch office's connection "gateway" to {@code gateway}'s IKE socket. */
    static ConnectionYaml branch(Side gateway) {
        return branch(gateway.address().getHostAddress(), gateway.port());
    }

    /** The branch office's connection "gateway" through {@code relay} (which forwards to the gateway). */
    static ConnectionYaml branch(UdpRelay relay) {
        return branch(relay.address().getHostString(), relay.address().getPort());
    }

    static ConnectionYaml branch(String address, int port) {
        return new ConnectionYaml(
                "gateway", address, address, port, TestDeployment.BRANCH, TestDeployment.GATEWAY, "branch-ecdsa");
    }

    /** The connection's name (several connections in one file, see {@link #entry()}). */
    ConnectionYaml named(String n) {
        name = n;
        return this;
    }

    /** Local (and, for an initiator, remote) address {@code a}, e.g. "::1". */
    ConnectionYaml onAddress(String a) {
        address = a;
        remote = remote.equals("any") ? "any" : a;
        return this;
    }

    ConnectionYaml remotePort(int p) {
        port = p;
        return this;
    }

    ConnectionYaml localId(String id) {
        localId = id;
        return this;
    }

    /** The ID the peer must prove; null for any. */
    ConnectionYaml remoteId(String id) {
        remoteId = id;
        return this;
    }

    /** We sign with {@code id} (identities[].name). */
    ConnectionYaml signWith(String id) {
        localAuth = "pubkey";
        identity = id;
        return this;
    }

    /** We authenticate with PSK {@code pskName}. */
    ConnectionYaml pskAuth(String pskName) {
        localAuth = "psk";
        identity = null;
        psk = pskName;
        return this;
    }

    /** The peer authenticates with PSK {@code pskName} (we may still sign). */
    ConnectionYaml peerPsk(String pskName) {
        remoteAuth = "psk";
        psk = pskName;
        return this;
    }

    /** The peer signs with a certificate (also when we use a PSK). */
    ConnectionYaml peerPubkey() {
        remoteAuth = "pubkey";
        return this;
    }

    ConnectionYaml proposals(String... p) {
        proposals = List.of(p);
        return this;
    }

    /** The CHILD_SA's ESP proposals. */
    ConnectionYaml esp(String... p) {
        esp = List.of(p);
        return this;
    }

    ConnectionYaml selectors(List<String> local, List<String> peer) {
        localTs = local;
        remoteTs = peer;
        return this;
    }

    /** tunnel or transport. */
    ConnectionYaml mode(String m) {
        mode = m;
        return this;
    }

    /** One more key of the connection, as "key: value" (e.g. "initiate: true", "dpd-action: restart"). */
    ConnectionYaml connection(String line) {
        more.add(line);
        return this;
    }

    /**
     * One more child after "net", {@code name} with its own selectors (a responder picks the child by them) and ESP
     * proposals {@code esp} (e.g. one with PFS).
     */
    ConnectionYaml child(String childName, String local, String peer, String... esp) {
        children.add(new Child(childName, List.of(local), List.of(peer), List.of(esp)));
        return this;
    }

    /** Adds a line to the {@code ike:} section, e.g. "cookie-threshold: 0". */
    ConnectionYaml ike(String line) {
        ike.add(line);
        return this;
    }

    /** Adds a top-level section as written, e.g. "debug:\n  wireshark-keys: DIR\n". */
    ConnectionYaml section(String text) {
        sections.add(text);
        return this;
    }

    String yaml() {
        StringBuilder b = new StringBuilder();
        sections.forEach(b::append);
        b.append("listen: [\"").append(address).append("\"]\n");
        if (!ike.isEmpty()) {
            b.append("ike:\n");
            ike.forEach(l -> b.append("  ").append(l).append('\n'));
        }
        b.append("connections:\n").append(entry());
        return b.toString();
    }

    /** This connection as one entry of a {@code connections:} list (a file with several joins them). */
    String entry() {
        StringBuilder b = new StringBuilder();
        b.append("  - name: ").append(name).append('\n');
        String c = "    ";
        key(b, c, "local-address", '"' + address + '"');
        key(b, c, "remote-address", '"' + remote + '"');
        key(b, c, "remote-port", port == 0 ? null : Integer.toString(port));
        key(b, c, "local-id", localId);
        key(b, c, "remote-id", remoteId);
        key(b, c, "local-auth", localAuth);
        key(b, c, "remote-auth", remoteAuth);
        key(b, c, "identity", identity);
        key(b, c, "psk", psk);
        key(b, c, "proposals", list(proposals));
        more.forEach(l -> b.append(c).append(l).append('\n'));
        b.append(c).append("children:\n");
        child(b, c, new Child("net", localTs, remoteTs, esp));
        children.forEach(x -> child(b, c, x));
        return b.toString();
    }

    private void child(StringBuilder b, String c, Child x) {
        b.append(c).append("  - name: ").append(x.name()).append('\n');
        String ch = c + "    ";
        key(b, ch, "local-ts", x.localTs() == null ? null : list(x.localTs()));
        key(b, ch, "remote-ts", x.remoteTs() == null ? null : list(x.remoteTs()));
        key(b, ch, "esp-proposals", list(x.esp()));
        key(b, ch, "mode", mode);
    }

    private static void key(StringBuilder b, String indent, String key, String value) {
        if (value != null) {
            b.append(indent).append(key).append(": ").append(value).append('\n');
        }
    }

    private static String list(List<String> values) {
        return "[" + String.join(", ", values) + "]";
    }

    @Override
    public String toString() {
        return yaml();
    }
}
