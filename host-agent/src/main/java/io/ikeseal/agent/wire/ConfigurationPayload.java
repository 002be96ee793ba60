package io.ikeseal.agent.wire;

import java.util.ArrayList;
import java.util.List;

/** CP payload (RFC 7296 §3.15). */
public record ConfigurationPayload(int cfgType, List<ConfigurationAttribute> attributes) implements IkePayload {
    public static final int CFG_REQUEST = 1;
    public static final int CFG_REPLY = 2;
    public static final int CFG_SET = 3;
    public static final int CFG_ACK = 4;
    /** More would not fit a maximum-size message anyway; keeps a hostile CP from building huge lists. */
    public static final int MAX_ATTRIBUTES = 256;

    public ConfigurationPayload {
        attributes = List.copyOf(attributes);
        if (cfgType < CFG_REQUEST || cfgType > CFG_ACK) {
            throw new IllegalArgumentException("CFG type 1..4");
        }
    }

    @Override
    public int typeCode() {
        return PayloadType.CP.code();
    }

    @Override
    public int bodyLength() {
        int n = 4;
        for (ConfigurationAttribute a : attributes) {
            n += a.length();
        }
        return n;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.u8(cfgType).u8(0).u16(0);
        for (ConfigurationAttribute a : attributes) {
            a.write(w);
        }
    }

    static ConfigurationPayload decode(WireReader r) throws MalformedMessageException {
        int type = r.u8();
        r.skip(3);
        if (type < CFG_REQUEST || type > CFG_ACK) {
            throw MalformedMessageException.syntax("CP: CFG Type " + type);
        }
        List<ConfigurationAttribute> attributes = new ArrayList<>();
        while (r.remaining() > 0) {
            if (attributes.size() == MAX_ATTRIBUTES) {
                throw new MalformedMessageException(
                        MalformedReason.TOO_MANY, "CP: more than " + MAX_ATTRIBUTES + " attributes");
            }
            attributes.add(ConfigurationAttribute.read(r));
        }
        return new ConfigurationPayload(type, attributes);
    }
}
