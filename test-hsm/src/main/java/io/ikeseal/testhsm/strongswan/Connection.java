package io.ikeseal.testhsm.strongswan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A swanctl IKEv2 connection. Defaults: {@code version = 2}, local and remote address 127.0.0.1.
 * Ports: {@code local_port} defaults to the charon's own IKE port; set {@link #remotePort} to the
 * peer's port (charon's default is 500).
 * <pre>{@code
 * Connection.named("gw")
 *         .remotePort(peer.ikePort())
 *         .proposals("aes256gcm16-prfsha256-ecp256")
 *         .local(Auth.pubkey("a.example").certs(charon.install(identity)))
 *         .remote(Auth.pubkey("b.example"))
 *         .child(Child.named("net").espProposals("aes256gcm16"));
 * }</pre>
 */
public final class Connection {
    private final String name;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Auth local;
    private Auth remote;
    private final List<Child> children = new ArrayList<>();
    private final List<Consumer<Child>> childDefaults = new ArrayList<>();

    private Connection(String name) {
        this.name = ConfSection.checkName(name);
        settings.put("version", "2");
        settings.put("local_addrs", "127.0.0.1");
        settings.put("remote_addrs", "127.0.0.1");
    }

    public static Connection named(String name) {
        return new Connection(name);
    }

    public Connection localAddrs(String addrs) {
        return set("local_addrs", addrs);
    }

    /** For a responder that accepts anyone: "%any". */
    public Connection remoteAddrs(String addrs) {
        return set("remote_addrs", addrs);
    }

    public Connection localPort(int port) {
        return set("local_port", Integer.toString(port));
    }

    public Connection remotePort(int port) {
        return set("remote_port", Integer.toString(port));
    }

    /** IKE proposals, e.g. "aes256gcm16-prfsha256-ecp256"; charon's default list if never set. */
    public Connection proposals(String... proposals) {
        return set("proposals", String.join(",", proposals));
    }

    public Connection local(Auth auth) {
        this.local = auth;
        return this;
    }

    public Connection remote(Auth auth) {
        this.remote = auth;
        return this;
    }

    public Connection child(Child child) {
        childDefaults.forEach(d -> d.accept(child));
        children.add(child);
        return this;
    }

    /** IKE SA rekeying interval, e.g. "4h" or "0" for none (swanctl.conf rekey_time). */
    public Connection rekeyTime(String time) {
        return set("rekey_time", time);
    }

    /** Hard limit after rekey/reauth time: the IKE SA is closed this long after it should have been renewed. */
    public Connection overTime(String time) {
        return set("over_time", time);
    }

    /** Jitter subtracted at random from rekey_time and reauth_time. */
    public Connection randTime(String time) {
        return set("rand_time", time);
    }

    /** Reauthentication interval (a new IKE SA with IKE_SA_INIT/IKE_AUTH), "0" for none. */
    public Connection reauthTime(String time) {
        return set("reauth_time", time);
    }

    /** Liveness check interval (RFC 7296 §2.4; empty INFORMATIONAL when nothing arrived in it). */
    public Connection dpdDelay(String time) {
        return set("dpd_delay", time);
    }

    /** How long charon waits for a liveness answer before declaring the peer dead (IKEv1 only in strongSwan). */
    public Connection dpdTimeout(String time) {
        return set("dpd_timeout", time);
    }

    /** "clear", "trap" or "restart": what charon does with the children when the peer is dead. */
    public Connection dpdAction(String action) {
        return children(c -> c.set("dpd_action", action));
    }

    /** "none", "trap" or "start": what charon does when the peer closes a CHILD_SA. */
    public Connection closeAction(String action) {
        return children(c -> c.set("close_action", action));
    }

    /**
     * charon's uniqueness policy, "no", "never", "keep" or "replace": with anything but "never" charon sends
     * INITIAL_CONTACT on its first IKE SA to a peer (RFC 7296 §3.16) and acts on one it receives.
     */
    public Connection unique(String policy) {
        return set("unique", policy);
    }

    /** Applies to every child, also those added later (dpd_action and close_action are per child in swanctl.conf). */
    private Connection children(Consumer<Child> setting) {
        childDefaults.add(setting);
        children.forEach(setting);
        return this;
    }

    /** Any other key, e.g. "mobike" = "no", "fragmentation" = "yes", "rekey_time" = "0". */
    public Connection set(String key, String value) {
        settings.put(ConfSection.checkName(key), value);
        return this;
    }

    public String name() {
        return name;
    }

    public List<Child> children() {
        return List.copyOf(children);
    }

    ConfSection section() {
        if (local == null || remote == null) {
            throw new IllegalStateException("connection " + name + " needs local(...) and remote(...) auth");
        }
        ConfSection s = new ConfSection(name);
        settings.forEach(s::set);
        s.add(local.section("local")).add(remote.section("remote"));
        if (!children.isEmpty()) {
            ConfSection c = new ConfSection("children");
            children.forEach(ch -> c.add(ch.section()));
            s.add(c);
        }
        return s;
    }
}
