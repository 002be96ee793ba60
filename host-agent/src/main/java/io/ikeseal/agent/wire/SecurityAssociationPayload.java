package io.ikeseal.agent.wire;

import java.util.ArrayList;
import java.util.List;

/** SA payload (RFC 7296 §3.3): one or more proposals, ORed. */
public record SecurityAssociationPayload(List<Proposal> proposals) implements IkePayload {
    /** The Proposal Num field is one octet, and numbers start at 1 and grow by one (§3.3.1). */
    public static final int MAX_PROPOSALS = 255;

    public SecurityAssociationPayload {
        proposals = List.copyOf(proposals);
        if (proposals.isEmpty() || proposals.size() > MAX_PROPOSALS) {
            throw new IllegalArgumentException("an SA payload holds 1.." + MAX_PROPOSALS + " proposals");
        }
    }

    @Override
    public int typeCode() {
        return PayloadType.SA.code();
    }

    @Override
    public int bodyLength() {
        int n = 0;
        for (Proposal p : proposals) {
            n += p.length();
        }
        return n;
    }

    @Override
    public void writeBody(WireWriter w) {
        for (int i = 0; i < proposals.size(); i++) {
            proposals.get(i).write(w, i == proposals.size() - 1);
        }
    }

    static SecurityAssociationPayload decode(WireReader r) throws MalformedMessageException {
        List<Proposal> proposals = new ArrayList<>();
        boolean last = false;
        while (!last) {
            if (proposals.size() == MAX_PROPOSALS) {
                throw new MalformedMessageException(
                        MalformedReason.TOO_MANY, "more than " + MAX_PROPOSALS + " proposals");
            }
            if (r.remaining() == 0) {
                throw MalformedMessageException.syntax(
                        "SA: proposal " + (proposals.size() + 1) + " announced but the payload ends");
            }
            Proposal.Read p = Proposal.read(r);
            last = p.lastSubstructure();
            // A request numbers its proposals 1, 2, 3...; a response carries the one accepted, with its number.
            if (!proposals.isEmpty()
                    && (proposals.getFirst().number() != 1
                            || p.proposal().number() != proposals.getLast().number() + 1)) {
                throw MalformedMessageException.syntax("SA: proposal numbers must be 1, 2, 3...; got "
                        + p.proposal().number() + " after "
                        + proposals.getLast().number());
            }
            proposals.add(p.proposal());
        }
        if (r.remaining() != 0) {
            throw MalformedMessageException.syntax("SA: " + r.remaining() + " octets after the last proposal");
        }
        return new SecurityAssociationPayload(proposals);
    }
}
