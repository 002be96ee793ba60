package io.ikeseal.hsm.token;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.testhsm.P11Trace;
import io.ikeseal.testhsm.P11TraceLog;
import io.ikeseal.testhsm.SoftHsmToken;

/**
 * A SoftHSM fixture token seen through a module of its own: a fresh copy of libsofthsm2 (so its own, not yet logged-in
 * state: the fixture logged its copy in) behind a fresh copy of p11trace (its own call log, and token flags it may
 * claim: a final PIN try, a PIN pad). Same token files underneath.
 */
record EmulatedSoftHsm(String name, Path module, Map<String, String> environment, Path log, Path flagsFile) {

    /** {@code pinPadPin}: non-null makes the token a PIN pad that supplies this PIN to a NULL-PIN C_Login. */
    static EmulatedSoftHsm of(SoftHsmToken token, String name, char[] pinPadPin) {
        Path dir = token.dir().resolve("emulated-" + name);
        try {
            Files.createDirectories(dir);
            Path real = Files.copy(token.library(), dir.resolve("softhsm.so"));
            Path trace = Files.copy(P11Trace.library(), dir.resolve("p11trace.so"));
            Path log = dir.resolve("p11trace.log");
            Path flags = dir.resolve("flags");
            Map<String, String> env = new TreeMap<>(token.environment());
            env.putAll(P11Trace.environment(real, log));
            env.put(P11Trace.FLAGS_FILE_VARIABLE, flags.toString());
            // always set: the process environment still holds the last copy's value
            env.put(P11Trace.PINPAD_PIN_VARIABLE, pinPadPin != null ? new String(pinPadPin) : "");
            return new EmulatedSoftHsm(name, trace, env, log, flags);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TokenSpec spec(SoftHsmToken token, PinSource pin) {
        return new TokenSpec(
                name,
                module,
                SlotSelector.byLabel(token.label()),
                pin,
                null,
                environment,
                Set.of(TokenRole.IDENTITY),
                ResidencyTier.SEALED,
                1);
    }

    /** What C_GetTokenInfo adds to the token's flags from now on. */
    void claimFlags(long flags) {
        try {
            Files.writeString(flagsFile, Long.toHexString(flags));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    P11TraceLog trace() {
        return P11TraceLog.read(log);
    }

    /** The C_Login calls so far, as "userType rv pin" triples, e.g. "0x1 0x0 <redacted:20>". */
    java.util.List<String> logins() {
        return trace().calls().stream()
                .filter(c -> c.function().equals("C_Login"))
                .map(c -> c.field("userType") + " " + c.field("rv") + " " + c.field("pin")
                        + (c.field("pinpad") != null ? " pinpad" : ""))
                .toList();
    }
}
