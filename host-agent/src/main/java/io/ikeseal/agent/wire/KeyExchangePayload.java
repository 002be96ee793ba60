package io.ikeseal.agent.wire;

import java.util.Optional;

/**
 * KE payload (RFC 7296 §3.4). For a group we know, the Key Exchange Data must have that group's exact length
 * (CVE-2023-41913 was an unchecked length); a group we do not know parses, and the exchange answers
 * INVALID_KE_PAYLOAD (§1.2). The value's range and curve are checked by the token layer before any token call.
 * The DH Group Num stays a number here: callers map it to the token layer's group with {@code DhGroup.byId}.
 */
public record KeyExchangePayload(int dhGroup, byte[] keyExchangeData) implements IkePayload {

    public KeyExchangePayload {
        if (dhGroup < 0 || dhGroup > 0xffff || keyExchangeData.length == 0) {
            throw new IllegalArgumentException("KE needs a 16-bit group and data");
        }
    }

    @Override
    public int typeCode() {
        return PayloadType.KE.code();
    }

    @Override
    public int bodyLength() {
        return 4 + keyExchangeData.length;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.u16(dhGroup).u16(0).bytes(keyExchangeData);
    }

    static KeyExchangePayload decode(WireReader r) throws MalformedMessageException {
        int group = r.u16();
        r.skip(2);
        byte[] data = r.rest();
        if (data.length == 0) {
            throw MalformedMessageException.syntax("KE: empty Key Exchange Data");
        }
        Optional<KeyExchangeDataLength> known = KeyExchangeDataLength.of(group);
        if (known.isPresent() && data.length != known.get().octets()) {
            throw MalformedMessageException.syntax("KE: " + known.get().groupName() + " needs "
                    + known.get().octets() + " octets, got " + data.length);
        }
        return new KeyExchangePayload(group, data);
    }
}
