package io.ikeseal.agent.proposal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.ikeseal.agent.proposal.ConfiguredProposal.Encryption;
import io.ikeseal.agent.protect.EncryptionAlgorithm;
import io.ikeseal.agent.protect.IntegrityAlgorithm;
import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.agent.wire.Proposal;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.Transform;
import io.ikeseal.agent.wire.TransformAttribute;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;

/**
 * Proposal selection (RFC 7296 §2.7, §3.3.6). As responder we walk our configured proposals in order and take the
 * first offered proposal they accept, so the gateway's preference wins (as strongSwan does by default); inside a
 * proposal each transform type is chosen by our order too. A proposal with a transform type we do not know, or
 * missing a mandatory type, is unacceptable (§3.3.6); a transform with an unknown attribute is skipped.
 */
public final class ProposalSelection {
    private ProposalSelection() {}

    /**
     * IKE_SA_INIT responder. When the initiator's KE group is acceptable within the chosen proposal it is taken,
     * so no INVALID_KE_PAYLOAD round trip is needed (§1.2).
     */
    public static Optional<Selected<IkeSuite>> selectIke(
            List<Proposal> offered, List<ConfiguredProposal> ours, int keGroup) {
        for (ConfiguredProposal c : ours) {
            for (Proposal p : offered) {
                Optional<Selected<IkeSuite>> s = ike(p, c, keGroup);
                if (s.isPresent()) {
                    return s;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * CHILD_SA responder. In IKE_AUTH there is no KE payload, so DH transforms in the offer are ignored and none
     * is returned ({@code inIkeAuth}); in CREATE_CHILD_SA a PFS group must match our configuration.
     */
    public static Optional<Selected<ChildSuite>> selectChild(
            List<Proposal> offered, List<ConfiguredProposal> ours, boolean inIkeAuth) {
        for (ConfiguredProposal c : ours) {
            for (Proposal p : offered) {
                Optional<Selected<ChildSuite>> s = child(p, c, inIkeAuth);
                if (s.isPresent()) {
                    return s;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Initiator: the responder's answer must be one proposal with the number of one we sent, exactly one
     * transform per type, each of them offered in that proposal (§2.7: "the responder MUST... accept a single
     * proposal or reject them all"). Returns the suite, or empty when the answer breaks these rules.
     */
    public static Optional<IkeSuite> acceptIke(List<Proposal> answer, List<Proposal> sent) {
        Optional<Proposal> chosen = accepted(answer, sent, ProtocolId.IKE);
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        Picked t = Picked.of(chosen.get());
        if (t == null
                || t.encryption == null
                || t.prf == null
                || t.group == null
                || t.esn != null
                || t.encryption.algorithm().isAead() != (t.integrity == IntegrityAlgorithm.NONE)) {
            return Optional.empty();
        }
        return Optional.of(new IkeSuite(
                new ProtectionSuite(t.encryption.algorithm(), t.encryption.keyLengthBits(), t.integrity),
                t.prf,
                t.group));
    }

    /** Initiator: the responder's CHILD_SA answer, by the same rules; its SPI must be 4 octets. */
    public static Optional<ChildSuite> acceptChild(List<Proposal> answer, List<Proposal> sent) {
        Optional<Proposal> chosen = accepted(answer, sent, ProtocolId.ESP);
        if (chosen.isEmpty() || chosen.get().spi().length != 4) {
            return Optional.empty();
        }
        Picked t = Picked.of(chosen.get());
        if (t == null
                || t.encryption == null
                || t.prf != null
                || t.encryption.algorithm().isAead() != (t.integrity == IntegrityAlgorithm.NONE)) {
            return Optional.empty();
        }
        return Optional.of(new ChildSuite(
                new ProtectionSuite(t.encryption.algorithm(), t.encryption.keyLengthBits(), t.integrity),
                t.group,
                Boolean.TRUE.equals(t.esn)));
    }

    private static Optional<Proposal> accepted(List<Proposal> answer, List<Proposal> sent, int protocol) {
        if (answer.size() != 1 || answer.getFirst().protocolId() != protocol) {
            return Optional.empty();
        }
        Proposal a = answer.getFirst();
        Proposal ours =
                sent.stream().filter(s -> s.number() == a.number()).findFirst().orElse(null);
        if (ours == null || ours.protocolId() != protocol) {
            return Optional.empty();
        }
        boolean[] seen = new boolean[6];
        for (Transform t : a.transforms()) {
            if (t.type() < Transform.ENCR
                    || t.type() > Transform.ESN
                    || seen[t.type()]
                    || ours.transforms().stream().noneMatch(o -> sameTransform(o, t))) {
                return Optional.empty();
            }
            seen[t.type()] = true;
        }
        return Optional.of(a);
    }

    private static boolean sameTransform(Transform a, Transform b) {
        return a.type() == b.type()
                && a.id() == b.id()
                && a.keyLength().equals(b.keyLength())
                && a.attributes().size() == b.attributes().size();
    }

    private static Optional<Selected<IkeSuite>> ike(Proposal p, ConfiguredProposal c, int keGroup) {
        Offer o = Offer.of(p, ProtocolId.IKE);
        if (o == null || o.has(Transform.ESN)) {
            return Optional.empty();
        }
        Encryption e = o.pickEncryption(c.encryption());
        Prf prf = o.pick(Transform.PRF, c.prfs(), Prf::id);
        DhGroup group = c.groups().stream()
                .filter(g -> g.id() == keGroup)
                .filter(g -> o.offers(Transform.DH, g.id()))
                .findFirst()
                .orElseGet(() -> o.pick(Transform.DH, c.groups(), DhGroup::id));
        if (e == null || prf == null || group == null) {
            return Optional.empty();
        }
        IntegrityAlgorithm integ = e.algorithm().isAead()
                ? IntegrityAlgorithm.NONE
                : o.pick(Transform.INTEG, c.integrity(), IntegrityAlgorithm::id);
        if (integ == null) {
            return Optional.empty();
        }
        List<Transform> answer = new ArrayList<>();
        answer.add(e.toTransform());
        answer.add(new Transform(Transform.PRF, prf.id()));
        if (integ != IntegrityAlgorithm.NONE) {
            answer.add(new Transform(Transform.INTEG, integ.id()));
        }
        answer.add(new Transform(Transform.DH, group.id()));
        IkeSuite suite = new IkeSuite(new ProtectionSuite(e.algorithm(), e.keyLengthBits(), integ), prf, group);
        return Optional.of(
                new Selected<>(suite, new Proposal(p.number(), ProtocolId.IKE, new byte[0], answer), p.spi()));
    }

    private static Optional<Selected<ChildSuite>> child(Proposal p, ConfiguredProposal c, boolean inIkeAuth) {
        Offer o = Offer.of(p, ProtocolId.ESP);
        if (o == null || p.spi().length != 4 || o.has(Transform.PRF)) {
            return Optional.empty();
        }
        Encryption e = o.pickEncryption(c.encryption());
        if (e == null) {
            return Optional.empty();
        }
        IntegrityAlgorithm integ = e.algorithm().isAead()
                ? IntegrityAlgorithm.NONE
                : o.pick(Transform.INTEG, c.integrity(), IntegrityAlgorithm::id);
        if (integ == null) {
            return Optional.empty();
        }
        DhGroup pfs = null;
        if (!inIkeAuth) {
            boolean offersNone = o.offers(Transform.DH, 0);
            if (c.groups().isEmpty()) {
                if (o.has(Transform.DH) && !offersNone) {
                    return Optional.empty(); // the initiator insists on PFS we do not do
                }
            } else {
                pfs = o.pick(Transform.DH, c.groups(), DhGroup::id);
                if (pfs == null) {
                    return Optional.empty();
                }
            }
        }
        Boolean esn = o.has(Transform.ESN) ? o.pick(Transform.ESN, c.esn(), b -> b ? 1 : 0) : Boolean.FALSE;
        if (esn == null) {
            return Optional.empty();
        }
        List<Transform> answer = new ArrayList<>();
        answer.add(e.toTransform());
        if (integ != IntegrityAlgorithm.NONE) {
            answer.add(new Transform(Transform.INTEG, integ.id()));
        }
        if (pfs != null) {
            answer.add(new Transform(Transform.DH, pfs.id()));
        }
        if (o.has(Transform.ESN)) {
            answer.add(new Transform(Transform.ESN, esn ? 1 : 0));
        }
        ChildSuite suite = new ChildSuite(new ProtectionSuite(e.algorithm(), e.keyLengthBits(), integ), pfs, esn);
        return Optional.of(
                new Selected<>(suite, new Proposal(p.number(), ProtocolId.ESP, new byte[0], answer), p.spi()));
    }

    /** The usable transforms of one offered proposal, by type. */
    private record Offer(List<Transform> transforms) {
        static Offer of(Proposal p, int protocol) {
            if (p.protocolId() != protocol) {
                return null;
            }
            List<Transform> usable = new ArrayList<>();
            for (Transform t : p.transforms()) {
                if (t.type() < Transform.ENCR || t.type() > Transform.ESN) {
                    return null; // §3.3.6: an unknown transform type makes the whole proposal unacceptable
                }
                boolean knownAttributes =
                        t.attributes().stream().allMatch(a -> a.type() == TransformAttribute.KEY_LENGTH);
                if (knownAttributes) {
                    usable.add(t);
                }
            }
            return new Offer(usable);
        }

        boolean has(int type) {
            return transforms.stream().anyMatch(t -> t.type() == type);
        }

        boolean offers(int type, int id) {
            return transforms.stream().anyMatch(t -> t.type() == type && t.id() == id);
        }

        <T> T pick(int type, List<T> preference, java.util.function.ToIntFunction<T> id) {
            for (T candidate : preference) {
                if (offers(type, id.applyAsInt(candidate))) {
                    return candidate;
                }
            }
            return null;
        }

        Encryption pickEncryption(List<Encryption> preference) {
            for (Encryption e : preference) {
                Transform want = e.toTransform();
                if (transforms.stream().anyMatch(t -> sameTransform(t, want))) {
                    return e;
                }
            }
            return null;
        }
    }

    /** One transform of each type from an accepted proposal (or null for a type that is missing). */
    private record Picked(Encryption encryption, IntegrityAlgorithm integrity, Prf prf, DhGroup group, Boolean esn) {
        static Picked of(Proposal p) {
            Encryption e = null;
            IntegrityAlgorithm i = IntegrityAlgorithm.NONE;
            Prf prf = null;
            DhGroup g = null;
            Boolean esn = null;
            for (Transform t : p.transforms()) {
                switch (t.type()) {
                    case Transform.ENCR -> {
                        EncryptionAlgorithm a = EncryptionAlgorithm.of(t.id());
                        int bits = t.keyLength().orElse(a == EncryptionAlgorithm.ENCR_CHACHA20_POLY1305 ? 256 : 0);
                        if (a == null || !a.keyLengths().contains(bits)) {
                            return null;
                        }
                        e = new Encryption(a, bits);
                    }
                    case Transform.INTEG -> {
                        i = IntegrityAlgorithm.of(t.id());
                        if (i == null) {
                            return null;
                        }
                    }
                    case Transform.PRF -> {
                        prf = Prf.byId(t.id()).orElse(null);
                        if (prf == null) {
                            return null;
                        }
                    }
                    case Transform.DH -> {
                        if (t.id() != 0) {
                            g = DhGroup.byId(t.id()).orElse(null);
                            if (g == null) {
                                return null;
                            }
                        }
                    }
                    case Transform.ESN -> esn = t.id() == 1;
                    default -> {
                        return null;
                    }
                }
            }
            return new Picked(e, i, prf, g, esn);
        }
    }
}
