package io.ikeseal.agent.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * {@code run}'s status line: live IKE SAs, CHILD_SAs and token objects per token (issue 10 item 6), so a leak shows
 * as a token object count that grows while the SA counts do not; with the userspace data plane, its drops by reason
 * (docs/data-plane.md). Written at most once per {@link #EVERY} and only
 * when something changed, so an idle gateway stays quiet.
 */
final class StatusLine {
    static final Duration EVERY = Duration.ofMinutes(1);

    private final IkeDaemon daemon;
    private final SaEventLog log;
    private String last = "";

    StatusLine(IkeDaemon daemon, SaEventLog log) {
        this.daemon = daemon;
        this.log = log;
    }

    /** Writes the line if it differs from the last one written. */
    void tick() {
        String now = text(daemon.gateway().established(), daemon.liveTokenObjects())
                + daemon.dataPlaneCounters()
                        .map(c -> "; data plane drops: " + c.describe())
                        .orElse("");
        if (!now.equals(last)) {
            log.line(now);
            last = now;
        }
    }

    static String text(List<IkeSaInfo> established, Map<String, Long> liveObjects) {
        int children = established.stream().mapToInt(s -> s.children().size()).sum();
        return "status: " + established.size() + " IKE SA(s), " + children + " CHILD SA(s), live token objects "
                + liveObjects.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", ", "{", "}"));
    }
}
