package io.ikeseal.agent.daemon;

import java.util.List;

/**
 * What {@link IkeDaemon#reload} changed: connection names by outcome, and whether the trust anchors changed. SAs of
 * unchanged connections are not touched.
 */
public record ReloadReport(
        List<String> added, List<String> removed, List<String> changed, List<String> unchanged, boolean trustChanged) {

    public ReloadReport {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        unchanged = List.copyOf(unchanged);
    }
}
