package io.ikeseal.agent.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.ikeseal.hsm.api.DhGroup;

/** Random but valid payloads of every type, for round-trip tests. */
final class RandomPayloads {
    private final Random rnd;

    RandomPayloads(long seed) {
        this.rnd = new Random(seed);
    }

    byte[] bytes(int min, int max) {
        byte[] b = new byte[min + rnd.nextInt(max - min + 1)];
        rnd.nextBytes(b);
        return b;
    }

    private int between(int min, int max) {
        return min + rnd.nextInt(max - min + 1);
    }

    /** One random payload of each type RFC 7296 and RFC 7383 define, plus an unknown non-critical one. */
    List<IkePayload> oneOfEach() {
        return List.of(
                sa(),
                ke(),
                id(PayloadType.IDI),
                id(PayloadType.IDR),
                cert(),
                certreq(),
                auth(),
                nonce(),
                notification(),
                delete(),
                vendorId(),
                ts(PayloadType.TSI),
                ts(PayloadType.TSR),
                cp(),
                eap(),
                unknown());
    }

    SecurityAssociationPayload sa() {
        int n = between(1, 6);
        List<Proposal> proposals = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            int protocol = new int[] {ProtocolId.IKE, ProtocolId.ESP, ProtocolId.AH}[rnd.nextInt(3)];
            byte[] spi = protocol == ProtocolId.IKE ? (rnd.nextBoolean() ? new byte[0] : bytes(8, 8)) : bytes(4, 4);
            List<Transform> transforms = new ArrayList<>();
            for (int t = between(0, 8); t > 0; t--) {
                List<TransformAttribute> attrs = new ArrayList<>();
                if (rnd.nextBoolean()) {
                    attrs.add(TransformAttribute.keyLength(new int[] {128, 192, 256}[rnd.nextInt(3)]));
                }
                if (rnd.nextInt(4) == 0) {
                    attrs.add(new TransformAttribute(between(15, 0x7fff), 0, bytes(0, 12)));
                }
                transforms.add(new Transform(between(1, 6), between(0, 0xffff), attrs));
            }
            proposals.add(new Proposal(i, protocol, spi, transforms));
        }
        return new SecurityAssociationPayload(proposals);
    }

    KeyExchangePayload ke() {
        if (rnd.nextBoolean()) {
            DhGroup g = java.util.List.of(DhGroup.values()).get(rnd.nextInt(DhGroup.values().length));
            return new KeyExchangePayload(g.id(), bytes(g.publicValueLength(), g.publicValueLength()));
        }
        return new KeyExchangePayload(between(1000, 0xffff), bytes(1, 300)); // a group we do not know
    }

    IdentificationPayload id(PayloadType kind) {
        return switch (rnd.nextInt(4)) {
            case 0 -> new IdentificationPayload(kind, IdentificationPayload.ID_IPV4_ADDR, bytes(4, 4));
            case 1 -> new IdentificationPayload(kind, IdentificationPayload.ID_IPV6_ADDR, bytes(16, 16));
            case 2 -> new IdentificationPayload(kind, IdentificationPayload.ID_NULL, new byte[0]);
            default -> new IdentificationPayload(kind, new int[] {2, 3, 9, 10, 11}[rnd.nextInt(5)], bytes(1, 200));
        };
    }

    CertificatePayload cert() {
        return new CertificatePayload(between(1, 15), bytes(1, 1500));
    }

    CertificateRequestPayload certreq() {
        if (rnd.nextBoolean()) {
            int n = between(0, 5);
            return new CertificateRequestPayload(CertificatePayload.X509_SIGNATURE, bytes(20 * n, 20 * n));
        }
        return new CertificateRequestPayload(between(1, 3), bytes(0, 40));
    }

    AuthenticationPayload auth() {
        return new AuthenticationPayload(new int[] {1, 2, 9, 10, 11, 14}[rnd.nextInt(6)], bytes(1, 600));
    }

    NoncePayload nonce() {
        return new NoncePayload(bytes(NoncePayload.MIN_LENGTH, NoncePayload.MAX_LENGTH));
    }

    NotifyPayload notification() {
        return switch (rnd.nextInt(7)) {
            case 0 -> NotifyPayload.of(NotifyType.NAT_DETECTION_SOURCE_IP, bytes(20, 20));
            case 1 -> NotifyPayload.of(NotifyType.COOKIE, bytes(1, 64));
            case 2 -> NotifyPayload.invalidKe(between(1, 0xffff));
            case 3 -> NotifyPayload.signatureHashAlgorithms(List.of(2, 3, 4));
            case 4 -> new NotifyPayload(ProtocolId.ESP, bytes(4, 4), NotifyType.REKEY_SA, new byte[0]);
            case 5 -> NotifyPayload.of(NotifyType.REDIRECT, redirect(true));
            default -> new NotifyPayload(between(0, 3), bytes(0, 8), between(20000, 0xffff), bytes(0, 50));
        };
    }

    private byte[] redirect(boolean withNonce) {
        byte[] ip = bytes(4, 4);
        byte[] nonce = withNonce && rnd.nextBoolean() ? bytes(16, 64) : new byte[0];
        byte[] out = new byte[2 + ip.length + nonce.length];
        out[0] = RedirectGateway.IPV4;
        out[1] = 4;
        System.arraycopy(ip, 0, out, 2, 4);
        System.arraycopy(nonce, 0, out, 6, nonce.length);
        return out;
    }

    DeletePayload delete() {
        if (rnd.nextBoolean()) {
            return DeletePayload.ikeSa();
        }
        List<byte[]> spis = new ArrayList<>();
        for (int i = between(1, 10); i > 0; i--) {
            spis.add(bytes(4, 4));
        }
        return new DeletePayload(rnd.nextBoolean() ? ProtocolId.ESP : ProtocolId.AH, spis);
    }

    VendorIdPayload vendorId() {
        return new VendorIdPayload(bytes(1, 40));
    }

    TrafficSelectorPayload ts(PayloadType kind) {
        List<TrafficSelector> selectors = new ArrayList<>();
        for (int i = between(1, 5); i > 0; i--) {
            boolean v6 = rnd.nextBoolean();
            byte[] a = bytes(v6 ? 16 : 4, v6 ? 16 : 4);
            byte[] b = bytes(a.length, a.length);
            if (java.util.Arrays.compareUnsigned(a, b) > 0) {
                byte[] t = a;
                a = b;
                b = t;
            }
            int p1 = between(0, 0xffff);
            int p2 = between(p1, 0xffff);
            if (rnd.nextInt(5) == 0) {
                p1 = 0xffff;
                p2 = 0;
            }
            selectors.add(new TrafficSelector(
                    v6 ? TrafficSelector.TS_IPV6_ADDR_RANGE : TrafficSelector.TS_IPV4_ADDR_RANGE,
                    between(0, 255),
                    p1,
                    p2,
                    a,
                    b));
        }
        return new TrafficSelectorPayload(kind, selectors);
    }

    ConfigurationPayload cp() {
        List<ConfigurationAttribute> attrs = new ArrayList<>();
        for (int i = between(0, 6); i > 0; i--) {
            attrs.add(new ConfigurationAttribute(between(1, 0x7fff), bytes(0, 20)));
        }
        return new ConfigurationPayload(between(1, 4), attrs);
    }

    EapPayload eap() {
        byte[] m = bytes(4, 100);
        m[2] = (byte) (m.length >>> 8);
        m[3] = (byte) m.length;
        return new EapPayload(m);
    }

    UnknownPayload unknown() {
        int type;
        do {
            type = between(1, 255);
        } while (PayloadType.of(type) != null);
        return new UnknownPayload(type, bytes(0, 30));
    }

    EncryptedPayload sk() {
        return new EncryptedPayload(PayloadType.IDI.code(), bytes(1, 400));
    }

    EncryptedFragmentPayload skf() {
        int total = between(1, 20);
        int number = between(1, total);
        return new EncryptedFragmentPayload(number == 1 ? PayloadType.IDI.code() : 0, number, total, bytes(1, 400));
    }
}
