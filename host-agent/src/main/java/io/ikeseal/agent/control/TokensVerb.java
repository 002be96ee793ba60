package io.ikeseal.agent.control;

import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.hsm.token.Pkcs11Module;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenHealth;

/**
 * {@code tokens}: per open token its health (ready, recovering, failed; docs/tokens.md "Faults and recovery"), the
 * last fault, how often it was reopened, the handles to its objects alive, the operations queued, and the PIN state
 * the token's flags reported at its last login (C_GetTokenInfo; PKCS#11 3.0 §5.7.3); and whether the audit log takes
 * records. Never a PIN.
 */
final class TokensVerb implements ControlVerb {
    /** CKF_USER_PIN_COUNT_LOW: a wrong user PIN was entered since the last good login. */
    private static final long PIN_COUNT_LOW = 0x00010000L;

    private final IkeDaemon daemon;
    private final TokenSet tokens;

    TokensVerb(IkeDaemon daemon, TokenSet tokens) {
        this.daemon = daemon;
        this.tokens = tokens;
    }

    @Override
    public JsonNode run(ControlRequest request) {
        ObjectNode result = ControlProtocol.object();
        ArrayNode list = result.putArray("tokens");
        for (Map.Entry<String, Token> e : tokens.tokens().entrySet()) {
            Token t = e.getValue();
            ObjectNode o = list.addObject();
            o.put("name", e.getKey());
            ArrayNode roles = o.putArray("roles");
            daemon.config()
                    .token(e.getKey())
                    .map(TokenConfig::roles)
                    .ifPresent(rs -> rs.forEach(r -> roles.add(r.configName())));
            o.put("tier", t.tier().configName());
            TokenHealth h = t.health();
            o.put("state", h.state().name().toLowerCase(Locale.ROOT));
            o.put("reopened", h.generation());
            o.put("last-error", h.reason());
            o.put("live-objects", t.liveObjects().count());
            o.put("queued", t.queueDepth());
            Pkcs11Module.SlotInfo slot = t.slot();
            o.put("slot", slot.slotId());
            o.put("label", slot.label());
            o.put("pin", pin(slot));
        }
        result.put("audit-log", tokens.audit().broken() ? "broken" : "ok");
        return result;
    }

    /** What the token's flags said of the user PIN at the last login; worst first. */
    static String pin(Pkcs11Module.SlotInfo slot) {
        if (slot.pinLocked()) {
            return "locked";
        }
        if (slot.pinFinalTry()) {
            return "final-try";
        }
        if ((slot.flags() & PIN_COUNT_LOW) != 0) {
            return "count-low";
        }
        return slot.loginRequired() ? "ok" : "no-login";
    }
}
