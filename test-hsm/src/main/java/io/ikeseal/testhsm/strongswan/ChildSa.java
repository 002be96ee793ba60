package io.ikeseal.testhsm.strongswan;

import java.util.List;
import java.util.Map;

/**
 * One CHILD_SA from {@code swanctl --list-sas}. SPIs are this charon's: spiIn is the SPI it
 * receives with (the peer's outbound SPI). Algorithms are strongSwan names (AES_GCM_16, ...);
 * integAlg and dhGroup are empty when not used.
 */
public record ChildSa(
        String name,
        int uniqueId,
        String state,
        String mode,
        String protocol,
        boolean encap,
        int spiIn,
        int spiOut,
        String encrAlg,
        int encrKeySize,
        String integAlg,
        String dhGroup,
        List<String> localTs,
        List<String> remoteTs,
        Map<String, Object> raw) {
    public ChildSa {
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
        raw = Map.copyOf(raw);
    }

    @SuppressWarnings("unchecked")
    static ChildSa from(Map<String, Object> m) {
        return new ChildSa(
                IkeSa.str(m, "name"),
                IkeSa.num(m, "uniqueid"),
                IkeSa.str(m, "state"),
                IkeSa.str(m, "mode"),
                IkeSa.str(m, "protocol"),
                "yes".equals(m.get("encap")),
                (int) Long.parseLong(IkeSa.str(m, "spi-in"), 16),
                (int) Long.parseLong(IkeSa.str(m, "spi-out"), 16),
                IkeSa.str(m, "encr-alg"),
                IkeSa.num(m, "encr-keysize"),
                IkeSa.str(m, "integ-alg"),
                IkeSa.str(m, "dh-group"),
                (List<String>) m.getOrDefault("local-ts", List.of()),
                (List<String>) m.getOrDefault("remote-ts", List.of()),
                m);
    }

    @Override
    public String toString() {
        return "%s{%d} %s %s in %08x out %08x %s-%d%s"
                .formatted(
                        name,
                        uniqueId,
                        state,
                        protocol,
                        spiIn,
                        spiOut,
                        encrAlg,
                        encrKeySize,
                        integAlg.isEmpty() ? "" : "/" + integAlg);
    }
}
