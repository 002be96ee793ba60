package io.ikeseal.agent.control;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaStatus;
import io.ikeseal.agent.wire.TrafficSelector;

/**
 * SAs as the control protocol writes them (docs/operations-ctl.md, "sas"): built from {@link IkeSaStatus} and
 * {@link ChildSaRecord}, which carry no key, so nothing written here can be a secret.
 */
public final class SaJson {
    private SaJson() {}

    static String spi(long spi) {
        return HexFormat.of().toHexDigits(spi);
    }

    static String spi(int spi) {
        return HexFormat.of().toHexDigits(spi);
    }

    /** An IKE SA with its CHILD_SAs; {@code counters}: a data plane runs, so each CHILD_SA's traffic is written. */
    static ObjectNode ikeSa(IkeSaStatus s, Instant now, boolean counters) {
        ObjectNode o = info(s.info());
        o.put("state", s.state().name().toLowerCase(Locale.ROOT));
        if (s.established() != null) {
            o.put("established", s.established().toString());
            o.put("age-seconds", seconds(s.established(), now));
        }
        if (s.renewal() != null) {
            o.put("rekey-in-seconds", Math.max(0, seconds(now, s.renewal())));
        }
        ArrayNode children = o.putArray("child-sas");
        for (IkeSaStatus.ChildSaStatus c : s.children()) {
            ObjectNode co = child(c.record(), now);
            co.put("state", c.state());
            if (c.rekeyAt() != null) {
                co.put("rekey-in-seconds", Math.max(0, seconds(now, c.rekeyAt())));
            }
            if (c.expireAt() != null) {
                co.put("expires-in-seconds", Math.max(0, seconds(now, c.expireAt())));
            }
            if (counters) {
                co.set("traffic", traffic(c.traffic()));
            }
            children.add(co);
        }
        return o;
    }

    /** An IKE SA just established, with the CHILD_SAs it came with (the one-shot {@code initiate}). */
    public static ObjectNode established(IkeSaInfo i, Instant now) {
        ObjectNode o = info(i);
        o.put("state", "established");
        ArrayNode children = o.putArray("child-sas");
        i.children().forEach(c -> children.add(child(c, now)));
        return o;
    }

    /** What {@link IkeSaInfo} says: SPIs, role, addresses, IDs, suite, tier, authentication. */
    static ObjectNode info(IkeSaInfo i) {
        ObjectNode o = ControlProtocol.object();
        o.put("connection", i.connection());
        o.put("spi-i", spi(i.spiI()));
        o.put("spi-r", spi(i.spiR()));
        o.put("role", i.originalInitiator() ? "initiator" : "responder");
        o.put("local", IkeSaInfo.address(i.local()));
        o.put("remote", IkeSaInfo.address(i.remote()));
        o.put("local-id", i.localId());
        o.put("remote-id", i.remoteId());
        o.put("suite", i.suite() == null ? null : i.suite().describe());
        o.put("tier", i.tier() == null ? null : i.tier().name().toLowerCase(Locale.ROOT));
        o.put("local-auth", i.localAuth());
        o.put("remote-auth", i.remoteAuth());
        o.put("nat-detected", i.natDetected());
        o.put("token-ms", i.tokenMicros() / 1000.0);
        return o;
    }

    /** A CHILD_SA as negotiated. */
    static ObjectNode child(ChildSaRecord r, Instant now) {
        ObjectNode o = ControlProtocol.object();
        o.put("name", r.name());
        o.put("spi-in", spi(r.inboundSpi()));
        o.put("spi-out", spi(r.outboundSpi()));
        o.put("suite", r.suite().describe());
        o.put("mode", r.mode().configName());
        ArrayNode l = o.putArray("local-ts");
        r.localTs().stream().map(TrafficSelector::toString).forEach(l::add);
        ArrayNode rt = o.putArray("remote-ts");
        r.remoteTs().stream().map(TrafficSelector::toString).forEach(rt::add);
        o.put("udp-encapsulation", r.udpEncapsulation());
        if (r.established() != null) {
            o.put("age-seconds", seconds(r.established(), now));
        }
        return o;
    }

    private static ObjectNode traffic(ChildSaTraffic t) {
        ObjectNode o = ControlProtocol.object();
        o.put("in-packets", t.inboundPackets());
        o.put("in-octets", t.inboundOctets());
        o.put("out-packets", t.outboundPackets());
        o.put("out-octets", t.outboundOctets());
        return o;
    }

    private static long seconds(Instant from, Instant to) {
        return Duration.between(from, to).toSeconds();
    }
}
