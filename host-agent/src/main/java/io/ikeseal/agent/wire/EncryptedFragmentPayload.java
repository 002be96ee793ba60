package io.ikeseal.agent.wire;

/**
 * SKF payload (RFC 7383 §2.5): one fragment of an SK payload's content, sealed on its own. Fragment numbers run
 * 1..total; only fragment 1 names the first inner payload (the others carry 0). Its associated data includes the
 * Fragment Number and Total Fragments fields.
 */
public record EncryptedFragmentPayload(int firstInnerPayload, int fragmentNumber, int totalFragments, byte[] content)
        implements IkePayload {

    public EncryptedFragmentPayload {
        if (totalFragments < 1 || totalFragments > 0xffff || fragmentNumber < 1 || fragmentNumber > totalFragments) {
            throw new IllegalArgumentException("fragment " + fragmentNumber + " of " + totalFragments);
        }
        if (firstInnerPayload < 0
                || firstInnerPayload > 255
                || (fragmentNumber == 1) == (firstInnerPayload == 0)
                || content.length == 0) {
            throw new IllegalArgumentException("only fragment 1 names the first inner payload, and content is needed");
        }
    }

    @Override
    public int typeCode() {
        return PayloadType.SKF.code();
    }

    @Override
    public int bodyLength() {
        return 4 + content.length;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.u16(fragmentNumber).u16(totalFragments).bytes(content);
    }

    static EncryptedFragmentPayload decode(int firstInner, WireReader r) throws MalformedMessageException {
        int number = r.u16();
        int total = r.u16();
        if (total == 0 || number == 0 || number > total) {
            throw MalformedMessageException.syntax("SKF: fragment " + number + " of " + total);
        }
        if ((number == 1) == (firstInner == 0)) {
            throw MalformedMessageException.syntax("SKF: fragment " + number + " with Next Payload " + firstInner
                    + " (only fragment 1 names the first inner payload)");
        }
        if (r.remaining() == 0) {
            throw MalformedMessageException.length("SKF: no encrypted content");
        }
        return new EncryptedFragmentPayload(firstInner, number, total, r.rest());
    }
}
