package io.ikeseal.testhsm.strongswan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A CHILD_SA config inside a {@link Connection}. Defaults suit kernel-libipsec on loopback:
 * {@code local_ts = remote_ts = dynamic} (the IKE addresses) and {@code start_action = none}
 * (nothing starts until a test initiates it).
 */
public final class Child {
    private final String name;
    private final Map<String, String> settings = new LinkedHashMap<>();

    private Child(String name) {
        this.name = ConfSection.checkName(name);
        settings.put("local_ts", "dynamic");
        settings.put("remote_ts", "dynamic");
        settings.put("start_action", "none");
    }

    public static Child named(String name) {
        return new Child(name);
    }

    /** e.g. "aes256gcm16" or "aes128-sha256-modp2048" (a DH group means PFS in CREATE_CHILD_SA). */
    public Child espProposals(String... proposals) {
        return set("esp_proposals", String.join(",", proposals));
    }

    public Child localTs(String ts) {
        return set("local_ts", ts);
    }

    public Child remoteTs(String ts) {
        return set("remote_ts", ts);
    }

    public Child startAction(String action) {
        return set("start_action", action);
    }

    /** CHILD_SA rekeying interval, e.g. "1h" or "0" for none (swanctl.conf rekey_time). */
    public Child rekeyTime(String time) {
        return set("rekey_time", time);
    }

    /** Hard lifetime: the CHILD_SA is deleted at this age if not rekeyed (default rekey_time + 10%). */
    public Child lifeTime(String time) {
        return set("life_time", time);
    }

    /** Jitter subtracted at random from rekey_time. */
    public Child randTime(String time) {
        return set("rand_time", time);
    }

    /** "clear", "trap" or "restart" when the peer is found dead. */
    public Child dpdAction(String action) {
        return set("dpd_action", action);
    }

    /** "none", "trap" or "start" when the peer deletes this CHILD_SA. */
    public Child closeAction(String action) {
        return set("close_action", action);
    }

    /** Any other key, e.g. "mode" = "transport", "rekey_time" = "0". */
    public Child set(String key, String value) {
        settings.put(ConfSection.checkName(key), value);
        return this;
    }

    public String name() {
        return name;
    }

    ConfSection section() {
        ConfSection s = new ConfSection(name);
        settings.forEach(s::set);
        return s;
    }
}
