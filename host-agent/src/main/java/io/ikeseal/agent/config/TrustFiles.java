package io.ikeseal.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * A {@code trust[]} file must hold X.509 certificates (PEM or DER): checked when the configuration is loaded, so a
 * wrong file is a configuration error naming its key (exit 2), not a failure of the started daemon.
 */
final class TrustFiles {
    private TrustFiles() {}

    /** Returns {@code file} once it parsed as one or more certificates. */
    static Path certificates(ConfigSource src, String at, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw src.error(at, "no certificate in " + file + " (expected PEM or DER X.509 CA certificates)");
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw src.error(at, "not a certificate file: " + file + " (expected PEM or DER X.509 CA certificates)");
        } catch (IOException e) {
            throw src.error(at, "cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        return file;
    }
}
