package io.ikeseal.agent.daemon;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

import io.ikeseal.agent.auth.IkeIdentity;
import io.ikeseal.agent.config.ConfigException;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.IdentityConfig;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.hsm.audit.AuditSink;
import io.ikeseal.hsm.sign.TokenIdentity;
import io.ikeseal.hsm.startup.TokenStartup;
import io.ikeseal.hsm.token.PinSource;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;

/**
 * What only the start can tell about the configuration: a PIN source that yields nothing, a module that is not a
 * PKCS#11 library, a key label the token lacks, a {@code local-id} the identity's certificate does not carry. Each
 * is the configuration's fault, so it is a {@link ConfigException} naming file and key (exit 2), not a token
 * failure (exit 1). A token that answers with a CKR code stays a token failure.
 */
final class StartupChecks {
    private StartupChecks() {}

    /** Opens {@code token} through the token layer, naming its {@code tokens[i]} key when the entry is at fault. */
    static Token open(IkesealConfig config, TokenConfig token, AuditSink audit) {
        int index = config.tokens().indexOf(token);
        String at = index >= 0 ? "tokens[" + index + "]" : "tokens (" + token.name() + ")";
        if (token.pin() instanceof PinSource.FromEnv env) {
            String value = System.getenv(env.variable());
            if (value == null || value.isEmpty()) {
                throw new ConfigException(
                        config.file(),
                        at + ".pin-env",
                        "environment variable " + env.variable() + " is not set; token '" + token.name()
                                + "' reads its PIN from it");
            }
        }
        if (token.pin() instanceof PinSource.FromCredential credential) {
            String dir = System.getenv("CREDENTIALS_DIRECTORY");
            if (dir == null || dir.isEmpty()) {
                throw new ConfigException(
                        config.file(),
                        at + ".pin-credential",
                        "$CREDENTIALS_DIRECTORY is not set, so systemd credential " + credential.name()
                                + " cannot be read; run under systemd with LoadCredential=" + credential.name()
                                + ":/path/to/pin");
            }
        }
        if (token.pin() instanceof PinSource.Prompt
                && PinSource.Prompt.terminal().isEmpty()) {
            throw new ConfigException(
                    config.file(),
                    at + ".pin-prompt",
                    "token '" + token.name() + "' asks for its PIN on the terminal, and this process has none; "
                            + "use pin-credential, pin-file or pin-env here");
        }
        try {
            return TokenStartup.open(SoftHsmConf.resolved(token.toTokenSpec()), audit);
        } catch (TokenException e) {
            if (e.ckr() == null && hasCause(e, IOException.class)) {
                // Pkcs11Module.load: dlopen failed or the library has no C_GetFunctionList (an IOException from
                // the JDK's PKCS11.getInstance); a PKCS#11 error (a CKR code) would mean it is one.
                throw new ConfigException(
                        config.file(),
                        at + ".module",
                        "not a PKCS#11 library (cannot load it or find C_GetFunctionList): " + token.module(),
                        e);
            }
            // TokenLogin's refusal to log in without a PIN; its wording is the only sign of it.
            if (token.pin() instanceof PinSource.None
                    && e.ckr() == null
                    && String.valueOf(e.getMessage()).endsWith("no PIN is configured")) {
                throw new ConfigException(
                        config.file(),
                        at,
                        "token '" + token.name() + "' requires a login, but no PIN source is given "
                                + "(pin-file, pin-env, pin-credential or pin-prompt)",
                        e);
            }
            throw e;
        }
    }

    /** Finds an identity's key; a reference the token cannot resolve names {@code identities[i].key}. */
    static TokenIdentity key(IkesealConfig config, IdentityConfig id, Token token) {
        try {
            return TokenIdentity.find(token, id.key());
        } catch (TokenException e) {
            if (e.ckr() != null) {
                throw e;
            }
            throw new ConfigException(
                    config.file(), "identities[" + config.identities().indexOf(id) + "].key", e.getMessage(), e);
        }
    }

    /**
     * A connection signing with a certificate must claim an identity that certificate carries (subject DN or a
     * subjectAltName, as the peer checks it, RFC 7296 §3.5 and RFC 4945 §3.1): otherwise every peer rejects the
     * AUTH, and the mistake would only show in the peer's log.
     */
    static void localId(IkesealConfig config, ConnectionConfig c, int index, TokenIdentity identity) {
        IkeIdentity localId = c.localId();
        if (localId.isNamedIn(identity.certificate())) {
            return;
        }
        List<IkeIdentity> carried = IkeIdentity.ofCertificate(identity.certificate());
        throw new ConfigException(
                config.file(),
                "connections[" + index + "].local-id",
                localId + " is not in the certificate of identity '" + c.identity() + "' (it carries: "
                        + carried.stream().map(IkeIdentity::toString).collect(Collectors.joining(", ")) + ")");
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        int depth = 0;
        for (Throwable c = t.getCause(); c != null && depth < 16; c = c.getCause(), depth++) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
