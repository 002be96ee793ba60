package io.ikeseal.agent.control;

import java.time.Clock;
import java.util.Map;

import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.agent.exchange.SaControl;

/** The verbs {@code ikeseal run} serves on its control socket (docs/operations-ctl.md). */
public final class DaemonVerbs {
    private DaemonVerbs() {}

    public static Map<String, ControlVerb> of(IkeDaemon daemon, TokenSet tokens) {
        SaControl sas = SaControl.of(daemon.gateway());
        return Map.of(
                "sas", new SasVerb(daemon, sas, Clock.systemUTC()),
                "initiate", new InitiateVerb(daemon, sas),
                "terminate", new TerminateVerb(sas),
                "rekey", new RekeyVerb(daemon, sas),
                "tokens", new TokensVerb(daemon, tokens),
                "reload", new ReloadVerb(daemon));
    }
}
