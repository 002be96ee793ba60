package io.ikeseal.agent.protect;

import java.util.Arrays;
import java.util.List;

import io.ikeseal.agent.wire.EncryptedFragmentPayload;
import io.ikeseal.agent.wire.EncryptedPayload;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;

/** Messages sealed around arbitrary plaintext, e.g. an inner chain no payload record could encode. */
final class SealedMessages {
    private SealedMessages() {}

    /** {@code header, SK{plaintext}} with a valid ICV; {@code firstInner} as the SK's Next Payload. */
    static byte[] sk(SkCipher c, IkeHeader header, int firstInner, byte[] plaintext) {
        int contentLength = c.contentLength(plaintext.length);
        return seal(c, header, new EncryptedPayload(firstInner, new byte[contentLength]), plaintext, contentLength);
    }

    /** One SKF fragment with a valid ICV around {@code plaintext}. */
    static byte[] skf(SkCipher c, IkeHeader header, int firstInner, int number, int total, byte[] plaintext) {
        int contentLength = c.contentLength(plaintext.length);
        return seal(
                c,
                header,
                new EncryptedFragmentPayload(firstInner, number, total, new byte[contentLength]),
                plaintext,
                contentLength);
    }

    private static byte[] seal(
            SkCipher c, IkeHeader header, IkePayload placeholder, byte[] plaintext, int contentLength) {
        byte[] m = IkeMessageCodec.encode(new IkeMessage(header, List.of(placeholder)));
        int ad = m.length - contentLength;
        System.arraycopy(c.seal(Arrays.copyOf(m, ad), plaintext), 0, m, ad, contentLength);
        return m;
    }
}
