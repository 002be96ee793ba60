package io.ikeseal.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.ikeseal.agent.config.ConfigException;
import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.daemon.ReloadReport;

/**
 * {@code reload}: the daemon reads its configuration file again ({@link IkeDaemon#reload}) and answers what changed;
 * a file that cannot be applied is answered {@code config} with its problem, and nothing changed.
 */
final class ReloadVerb implements ControlVerb {
    private final IkeDaemon daemon;

    ReloadVerb(IkeDaemon daemon) {
        this.daemon = daemon;
    }

    @Override
    public JsonNode run(ControlRequest request) {
        ReloadReport r;
        try {
            r = daemon.reload();
        } catch (ConfigException e) {
            throw new ControlException(ControlException.CONFIG, Outcomes.message(e) + "; nothing changed");
        } catch (UnsupportedOperationException e) {
            throw new ControlException(ControlException.UNSUPPORTED, "reload: " + Outcomes.message(e));
        }
        ObjectNode o = ControlProtocol.object();
        r.added().forEach(o.putArray("added")::add);
        r.removed().forEach(o.putArray("removed")::add);
        r.changed().forEach(o.putArray("changed")::add);
        r.unchanged().forEach(o.putArray("unchanged")::add);
        o.put("trust-changed", r.trustChanged());
        return o;
    }
}
