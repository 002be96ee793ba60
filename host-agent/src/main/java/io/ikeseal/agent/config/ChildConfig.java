package io.ikeseal.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.proposal.ProposalSyntaxException;
import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.agent.ts.ConfiguredSelector;
import io.ikeseal.agent.ts.SelectorSyntaxException;

/**
 * One {@code connections[].children[]} entry: a CHILD_SA the connection negotiates.
 *
 * @param localTs  our end's traffic selectors ({@code dynamic}: the IKE SA's local address)
 * @param remoteTs  the peer's end
 * @param lifetimes when the CHILD_SA is rekeyed and its hard limit
 */
public record ChildConfig(
        String name,
        List<ConfiguredSelector> localTs,
        List<ConfiguredSelector> remoteTs,
        List<ConfiguredProposal> espProposals,
        ChildSaMode mode,
        ChildLifetimes lifetimes) {
    static final String DEFAULT_ESP = "aes256gcm16";

    public ChildConfig {
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
        espProposals = List.copyOf(espProposals);
    }

    static ChildConfig from(YamlModel.Child raw, ConfigSource src, String at) {
        if (raw == null) {
            throw src.error(at, "empty entry");
        }
        String name = src.requireName(at + ".name", raw.name());
        List<ConfiguredSelector> local = selectors(src, at + ".local-ts", raw.localTs());
        List<ConfiguredSelector> remote = selectors(src, at + ".remote-ts", raw.remoteTs());
        List<ConfiguredProposal> esp = new ArrayList<>();
        List<String> texts = raw.espProposals() == null ? List.of(DEFAULT_ESP) : raw.espProposals();
        if (texts.isEmpty()) {
            throw src.error(at + ".esp-proposals", "must name at least one proposal, e.g. aes256gcm16");
        }
        for (int i = 0; i < texts.size(); i++) {
            try {
                esp.add(ConfiguredProposal.esp(texts.get(i)));
            } catch (ProposalSyntaxException e) {
                throw src.error(ConfigSource.index(at + ".esp-proposals", i), e.getMessage());
            }
        }
        ChildSaMode mode = ChildSaMode.TUNNEL;
        if (raw.mode() != null) {
            mode = switch (raw.mode()) {
                case "tunnel" -> ChildSaMode.TUNNEL;
                case "transport" -> ChildSaMode.TRANSPORT;
                default -> throw src.error(at + ".mode", "must be tunnel or transport, was '" + raw.mode() + "'");
            };
        }
        if (raw.lifetime() != null) {
            throw src.error(at + ".lifetime", "replaced by rekey-time and life-time (the hard limit)");
        }
        Duration max = Duration.ofDays(7);
        Duration rekey = Durations.zeroOr(
                src,
                at + ".rekey-time",
                raw.rekeyTime(),
                ChildLifetimes.DEFAULT.rekeyTime(),
                Duration.ofMinutes(1),
                max);
        Duration life = raw.lifeTime() == null
                ? null
                : Durations.parse(src, at + ".life-time", raw.lifeTime(), Duration.ofMinutes(1), max);
        Duration rand = raw.randTime() == null
                ? null
                : Durations.zeroOr(src, at + ".rand-time", raw.randTime(), Duration.ZERO, Duration.ofSeconds(1), max);
        ChildLifetimes lifetimes;
        try {
            lifetimes = ChildLifetimes.of(rekey, life, rand);
        } catch (IllegalArgumentException e) {
            throw src.error(at + (raw.lifeTime() != null ? ".life-time" : ".rand-time"), e.getMessage());
        }
        return new ChildConfig(name, local, remote, esp, mode, lifetimes);
    }

    private static List<ConfiguredSelector> selectors(ConfigSource src, String at, List<String> texts) {
        if (texts == null) {
            return List.of(ConfiguredSelector.Dynamic.ANY);
        }
        if (texts.isEmpty()) {
            throw src.error(at, "must name at least one selector, e.g. dynamic or 10.1.0.0/16");
        }
        List<ConfiguredSelector> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            try {
                out.add(ConfiguredSelector.parse(texts.get(i)));
            } catch (SelectorSyntaxException e) {
                throw src.error(ConfigSource.index(at, i), e.getMessage());
            }
        }
        return out;
    }
}
