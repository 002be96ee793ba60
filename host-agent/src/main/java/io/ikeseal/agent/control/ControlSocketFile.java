package io.ikeseal.agent.control;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control socket's file (docs/operations-ctl.md): its directory is created 0700 when missing; a socket file left
 * by a daemon that was killed is replaced, one a live daemon answers on makes start-up fail; the new socket is made
 * 0600 right after bind.
 */
final class ControlSocketFile {
    private static final Logger LOG = LoggerFactory.getLogger(ControlSocketFile.class);

    private ControlSocketFile() {}

    /** Binds {@code path}; fails with a message naming the path and what is in the way. */
    static ServerSocketChannel bind(Path path, int backlog) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            replaceStale(path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path), backlog);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw new IOException("control socket " + path + ": " + e.getMessage(), e);
        }
        return server;
    }

    private static void replaceStale(Path path) throws IOException {
        if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .isOther()) {
            throw new IOException("control socket " + path + " exists and is not a socket; remove it or choose "
                    + "another control.socket");
        }
        SocketChannel probe;
        try {
            probe = SocketChannel.open(UnixDomainSocketAddress.of(path));
        } catch (ConnectException stale) {
            // nobody listens: left by a daemon that did not stop cleanly
            Files.delete(path);
            LOG.info("control socket {}: replaced a stale socket file nobody listened on", path);
            return;
        }
        probe.close();
        throw new IOException("control socket " + path + ": another ikeseal daemon answers on it; stop that one "
                + "or give this one another control.socket");
    }
}
