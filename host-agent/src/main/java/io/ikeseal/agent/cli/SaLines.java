package io.ikeseal.agent.cli;

import java.util.Locale;

import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * How the CLI prints an IKE SA in one line: built from {@link IkeSaInfo}, which carries no key, so nothing printed
 * here can be a secret. Public for the commands of {@link CliExtension}s.
 */
public final class SaLines {
    private SaLines() {}

    /** For an SA that may not have got far: name, SPIs, role and addresses (IDs and suite may be unknown). */
    public static String brief(IkeSaInfo sa) {
        return String.format(
                "%s[%016x_i %016x_r] %s %s <-> %s",
                sa.connection() == null ? "(unnamed)" : sa.connection(),
                sa.spiI(),
                sa.spiR(),
                sa.originalInitiator() ? "initiator" : "responder",
                IkeSaInfo.address(sa.local()),
                IkeSaInfo.address(sa.remote()));
    }

    /** What an established SA rests on: the residency tier, how each side authenticated, the time spent in tokens. */
    public static String details(IkeSaInfo sa) {
        return "tier " + tier(sa) + "; we: " + sa.localAuth() + "; peer: " + sa.remoteAuth() + "; "
                + (sa.natDetected() ? "NAT detected; " : "") + "token time " + millis(sa.tokenMicros());
    }

    /** Where a daemon listens, e.g. {@code 127.0.0.1:500 (IKE), 127.0.0.1:4500 (NAT-T)}. */
    public static String sockets(IkeDaemon daemon) {
        return String.join(
                ", ",
                daemon.transport().sockets().stream()
                        .map(s -> IkeSaInfo.address(s.localAddress()) + (s.natT() ? " (NAT-T)" : " (IKE)"))
                        .toList());
    }

    public static String tier(IkeSaInfo sa) {
        return sa.tier() == null ? "unknown" : sa.tier().name().toLowerCase(Locale.ROOT);
    }

    public static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }
}
