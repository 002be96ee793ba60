package io.ikeseal.agent.wire;

/** Vendor ID payload (RFC 7296 §3.12): opaque; unknown ones are ignored. */
public record VendorIdPayload(byte[] vendorId) implements IkePayload {

    @Override
    public int typeCode() {
        return PayloadType.VENDOR_ID.code();
    }

    @Override
    public int bodyLength() {
        return vendorId.length;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.bytes(vendorId);
    }

    static VendorIdPayload decode(WireReader r) throws MalformedMessageException {
        if (r.remaining() == 0) {
            throw MalformedMessageException.syntax("V: empty Vendor ID");
        }
        return new VendorIdPayload(r.rest());
    }
}
