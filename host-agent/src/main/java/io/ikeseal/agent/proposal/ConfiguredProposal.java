package io.ikeseal.agent.proposal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.ikeseal.agent.protect.EncryptionAlgorithm;
import io.ikeseal.agent.protect.IntegrityAlgorithm;
import io.ikeseal.agent.wire.Proposal;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.Transform;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;

/**
 * One configured proposal, written the way strongSwan users write them: algorithm names joined by '-', e.g.
 * {@code aes256gcm16-prfsha256-ecp256} or {@code aes128-sha256-modp2048} for IKE, {@code aes256gcm16} or
 * {@code aes128-sha256-ecp256-esn} for ESP. Several names of one transform type are alternatives (RFC 7296
 * §3.3: transforms of one type are ORed), listed in our order of preference.
 *
 * <p>IKE: an integrity name without a PRF name also selects the PRF of the same hash (strongSwan's rule), so
 * {@code aes128-sha256-modp2048} is AES-CBC-128, HMAC-SHA2-256-128, PRF-HMAC-SHA2-256, group 14. AEAD proposals
 * name a PRF and no integrity (RFC 5282 §8). ESP: a DH group asks for PFS on rekeys; ESN defaults to none.
 */
public record ConfiguredProposal(
        int protocolId,
        List<Encryption> encryption,
        List<IntegrityAlgorithm> integrity,
        List<Prf> prfs,
        List<DhGroup> groups,
        List<Boolean> esn,
        String text) {

    /** An encryption transform with its key length in bits. */
    public record Encryption(EncryptionAlgorithm algorithm, int keyLengthBits) {
        Transform toTransform() {
            // RFC 7634 §2: ChaCha20-Poly1305 has one key size and its transform carries no Key Length attribute.
            return algorithm == EncryptionAlgorithm.ENCR_CHACHA20_POLY1305
                    ? new Transform(Transform.ENCR, algorithm.id())
                    : Transform.withKeyLength(Transform.ENCR, algorithm.id(), keyLengthBits);
        }
    }

    public ConfiguredProposal {
        encryption = List.copyOf(encryption);
        integrity = List.copyOf(integrity);
        prfs = List.copyOf(prfs);
        groups = List.copyOf(groups);
        esn = List.copyOf(esn);
    }

    public static ConfiguredProposal ike(String text) {
        return parse(ProtocolId.IKE, text);
    }

    public static ConfiguredProposal esp(String text) {
        return parse(ProtocolId.ESP, text);
    }

    public boolean isAead() {
        return encryption.getFirst().algorithm().isAead();
    }

    /** The wire form, numbered {@code number}, with {@code spi} (empty for IKE_SA_INIT, 4 octets for ESP). */
    public Proposal toWire(int number, byte[] spi, boolean withGroups) {
        List<Transform> t = new ArrayList<>();
        for (Encryption e : encryption) {
            t.add(e.toTransform());
        }
        for (Prf p : prfs) {
            t.add(new Transform(Transform.PRF, p.id()));
        }
        for (IntegrityAlgorithm i : integrity) {
            t.add(new Transform(Transform.INTEG, i.id()));
        }
        if (withGroups) {
            for (DhGroup g : groups) {
                t.add(new Transform(Transform.DH, g.id()));
            }
        }
        for (boolean e : esn) {
            t.add(new Transform(Transform.ESN, e ? 1 : 0));
        }
        return new Proposal(number, protocolId, spi, t);
    }

    private static ConfiguredProposal parse(int protocol, String text) {
        if (text == null || text.isBlank()) {
            throw new ProposalSyntaxException("empty proposal");
        }
        Set<Encryption> enc = new LinkedHashSet<>();
        Set<IntegrityAlgorithm> integ = new LinkedHashSet<>();
        Set<Prf> prfs = new LinkedHashSet<>();
        Set<DhGroup> groups = new LinkedHashSet<>();
        Set<Boolean> esn = new LinkedHashSet<>();
        for (String raw : text.trim().toLowerCase(Locale.ROOT).split("-", -1)) {
            String token = raw.trim();
            Encryption e = AlgorithmNames.encryption(token);
            IntegrityAlgorithm i = AlgorithmNames.integrity(token);
            Prf p = AlgorithmNames.prf(token);
            DhGroup g = AlgorithmNames.group(token);
            if (e != null) {
                enc.add(e);
            } else if (i != null) {
                integ.add(i);
            } else if (p != null) {
                if (protocol != ProtocolId.IKE) {
                    throw new ProposalSyntaxException(
                            "'" + token + "' in ESP proposal '" + text + "': a PRF belongs to IKE proposals");
                }
                prfs.add(p);
            } else if (g != null) {
                groups.add(g);
            } else if (token.equals("esn") || token.equals("noesn")) {
                if (protocol != ProtocolId.ESP) {
                    throw new ProposalSyntaxException(
                            "'" + token + "' in IKE proposal '" + text + "': extended sequence numbers are for ESP");
                }
                esn.add(token.equals("esn"));
            } else {
                throw new ProposalSyntaxException("unknown algorithm '" + token + "' in proposal '" + text
                        + "' (known: " + AlgorithmNames.known(protocol == ProtocolId.IKE) + ")");
            }
        }
        if (enc.isEmpty()) {
            throw new ProposalSyntaxException("proposal '" + text + "' names no encryption algorithm");
        }
        boolean aead = enc.iterator().next().algorithm().isAead();
        if (enc.stream().anyMatch(x -> x.algorithm().isAead() != aead)) {
            throw new ProposalSyntaxException("proposal '" + text + "' mixes AEAD and non-AEAD encryption; write "
                    + "them as two proposals (RFC 5282 §8)");
        }
        if (aead && !integ.isEmpty()) {
            throw new ProposalSyntaxException(
                    "proposal '" + text + "': an AEAD cipher takes no integrity " + "algorithm (RFC 5282 §8)");
        }
        if (!aead && integ.isEmpty()) {
            throw new ProposalSyntaxException("proposal '" + text + "': "
                    + AlgorithmNames.name(enc.iterator().next()) + " needs an integrity algorithm, e.g. sha256");
        }
        if (protocol == ProtocolId.IKE) {
            if (prfs.isEmpty()) {
                if (aead) {
                    throw new ProposalSyntaxException(
                            "proposal '" + text + "': an AEAD IKE proposal needs a PRF, " + "e.g. prfsha256");
                }
                for (IntegrityAlgorithm i : integ) {
                    prfs.add(AlgorithmNames.prfFor(i));
                }
            }
            if (groups.isEmpty()) {
                throw new ProposalSyntaxException(
                        "IKE proposal '" + text + "' names no Diffie-Hellman group, " + "e.g. ecp256 or modp2048");
            }
        }
        if (protocol == ProtocolId.ESP && esn.isEmpty()) {
            esn.add(false);
        }
        return new ConfiguredProposal(
                protocol,
                new ArrayList<>(enc),
                new ArrayList<>(integ),
                new ArrayList<>(prfs),
                new ArrayList<>(groups),
                new ArrayList<>(esn),
                text.trim());
    }

    @Override
    public String toString() {
        return text;
    }
}
