package io.ikeseal.agent.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A transform substructure (RFC 7296 §3.3.2). Unknown types and IDs parse: §3.3.6 makes them unacceptable, which
 * is proposal selection's business, not a syntax error.
 */
public record Transform(int type, int id, List<TransformAttribute> attributes) {
    public static final int ENCR = 1;
    public static final int PRF = 2;
    public static final int INTEG = 3;
    /** "Diffie-Hellman group" in RFC 7296, "Key Exchange Method" since RFC 9370. */
    public static final int DH = 4;

    public static final int ESN = 5;

    static final int HEADER_LENGTH = 8;
    private static final int LAST = 0;
    private static final int MORE = 3;

    public Transform {
        attributes = List.copyOf(attributes);
        if (type < 0 || type > 255 || id < 0 || id > 0xffff) {
            throw new IllegalArgumentException("transform type is an octet, ID two octets");
        }
    }

    public Transform(int type, int id) {
        this(type, id, List.of());
    }

    /** A transform with a Key Length attribute (§3.3.5), as AES needs. */
    public static Transform withKeyLength(int type, int id, int keyLengthBits) {
        return new Transform(type, id, List.of(TransformAttribute.keyLength(keyLengthBits)));
    }

    /** The Key Length attribute in bits, if present. */
    public OptionalInt keyLength() {
        for (TransformAttribute a : attributes) {
            if (a.type() == TransformAttribute.KEY_LENGTH) {
                return OptionalInt.of(a.tvValue());
            }
        }
        return OptionalInt.empty();
    }

    public static String typeName(int type) {
        return switch (type) {
            case ENCR -> "ENCR";
            case PRF -> "PRF";
            case INTEG -> "INTEG";
            case DH -> "DH";
            case ESN -> "ESN";
            default -> "TRANSFORM(" + type + ")";
        };
    }

    int length() {
        int n = HEADER_LENGTH;
        for (TransformAttribute a : attributes) {
            n += a.length();
        }
        return n;
    }

    void write(WireWriter w, boolean last) {
        w.u8(last ? LAST : MORE).u8(0).u16(length()).u8(type).u8(0).u16(id);
        for (TransformAttribute a : attributes) {
            a.write(w);
        }
    }

    record Read(Transform transform, boolean lastSubstructure) {}

    static Read read(WireReader in) throws MalformedMessageException {
        int lastSubstruc = in.u8();
        in.skip(1);
        int length = in.u16();
        if (lastSubstruc != LAST && lastSubstruc != MORE) {
            throw MalformedMessageException.syntax("transform: Last Substruc must be 0 or 3, was " + lastSubstruc);
        }
        if (length < HEADER_LENGTH || length - 4 > in.remaining()) {
            throw MalformedMessageException.length(
                    "transform length " + length + " with " + (in.remaining() + 4) + " octets left");
        }
        WireReader r = in.slice(length - 4);
        int type = r.u8();
        r.skip(1);
        int id = r.u16();
        List<TransformAttribute> attributes = new ArrayList<>(1);
        while (r.remaining() > 0) {
            TransformAttribute a = TransformAttribute.read(r);
            for (TransformAttribute seen : attributes) {
                if (seen.type() == a.type()) {
                    throw MalformedMessageException.syntax(
                            "transform " + typeName(type) + " " + id + ": attribute " + a.type() + " twice");
                }
            }
            attributes.add(a);
        }
        return new Read(new Transform(type, id, attributes), lastSubstruc == LAST);
    }
}
