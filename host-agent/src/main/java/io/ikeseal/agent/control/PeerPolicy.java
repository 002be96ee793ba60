package io.ikeseal.agent.control;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;

import jdk.net.UnixDomainPrincipal;

/**
 * Who may talk to the control socket, checked on the peer's credentials as the kernel reports them (SO_PEERCRED,
 * unix(7)): the daemon's own user and root. The socket file's mode 0600 and its directory's 0700 already keep
 * others out; this check holds even when those were loosened by hand.
 */
@FunctionalInterface
public interface PeerPolicy {
    /** Empty when {@code peer} may send requests, else why not (the answer's message). */
    Optional<String> refusal(UnixDomainPrincipal peer);

    /** The daemon's user {@code owner} and root. */
    static PeerPolicy ownerOrRoot(UserPrincipal owner) throws IOException {
        UserPrincipal root =
                FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("root");
        return peer -> peer.user().equals(owner) || peer.user().equals(root)
                ? Optional.empty()
                : Optional.of("user " + peer.user().getName() + " may not use this control socket (only "
                        + (owner.equals(root) ? "root" : owner.getName() + ", the daemon's user, and root") + " may)");
    }
}
