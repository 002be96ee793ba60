package io.ikeseal.testhsm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Locates the Debian-packaged tools and PKCS#11 modules the fixtures run. A missing one fails
 * loudly with the package to install: tests must never silently skip token coverage.
 */
public final class DebianTools {
    private static final String MULTIARCH = "/usr/lib/" + multiarch();
    private static final Path STRONGSWAN_PLUGINS = Path.of("/usr/lib/ipsec/plugins");
    private static final Pattern PLUGIN_NAME = Pattern.compile("[a-z0-9-]+");
    /** NSS's PKCS#11 headers (pkcs11.h with the 3.0 interface and CK_HKDF_PARAMS) and the NSPR types they use. */
    static final Path NSS_INCLUDE = Path.of("/usr/include/nss");

    static final Path NSPR_INCLUDE = Path.of("/usr/include/nspr");
    /** strongSwan plugins outside libstrongswan, by the Debian package that ships them. */
    private static final Map<String, String> PLUGIN_PACKAGES = Map.ofEntries(
            Map.entry("openssl", "libstrongswan-standard-plugins"),
            Map.entry("gcm", "libstrongswan-standard-plugins"),
            Map.entry("agent", "libstrongswan-standard-plugins"),
            Map.entry("curve25519", "libstrongswan-extra-plugins"),
            Map.entry("chapoly", "libstrongswan-extra-plugins"),
            Map.entry("pkcs11", "libstrongswan-extra-plugins"),
            Map.entry("ctr", "libstrongswan-extra-plugins"),
            Map.entry("ccm", "libstrongswan-extra-plugins"),
            Map.entry("cmac", "libstrongswan-extra-plugins"),
            Map.entry("kernel-libipsec", "libcharon-extra-plugins"),
            Map.entry("vici", "strongswan-swanctl"),
            Map.entry("socket-default", "strongswan-libcharon"),
            Map.entry("updown", "strongswan-libcharon"),
            Map.entry("counters", "strongswan-libcharon"));

    private DebianTools() {}

    public static Path softhsm2Util() {
        return executable("softhsm2-util", "softhsm2");
    }

    public static Path certutil() {
        return executable("certutil", "libnss3-tools");
    }

    /** util-linux's script(1): runs a command on a new pseudo-terminal (a test's stand-in for an operator's TTY). */
    public static Path script() {
        return executable("script", "bsdutils");
    }

    public static Path pkcs11Tool() {
        return executable("pkcs11-tool", "opensc");
    }

    public static Path libSofthsm2() {
        return locate(
                "softhsm2",
                List.of(Path.of("/usr/lib/softhsm/libsofthsm2.so"), Path.of(MULTIARCH, "softhsm/libsofthsm2.so")));
    }

    public static Path libSoftokn3() {
        return locate("libnss3", List.of(Path.of(MULTIARCH, "libsoftokn3.so")));
    }

    public static Path pkcs11Spy() {
        return locate(
                "opensc-pkcs11",
                List.of(Path.of(MULTIARCH, "pkcs11/pkcs11-spy.so"), Path.of(MULTIARCH, "pkcs11-spy.so")));
    }

    /** The C compiler that builds the p11trace test module. */
    public static Path gcc() {
        return executable("gcc", "gcc");
    }

    /**
     * The headers p11trace compiles against: NSS's pkcs11.h (libnss3-dev), NSPR's prtypes.h (libnspr4-dev) and
     * libc's (libc6-dev, only recommended by gcc, so not there after apt-get --no-install-recommends gcc).
     */
    static void nssPkcs11Headers() {
        locate("libnss3-dev", List.of(NSS_INCLUDE.resolve("pkcs11.h")));
        locate("libnss3-dev", List.of(NSS_INCLUDE.resolve("pkcs11t.h")));
        locate("libnspr4-dev", List.of(NSPR_INCLUDE.resolve("prtypes.h")));
        locate("libc6-dev", List.of(Path.of("/usr/include/stdio.h")));
    }

    /** iproute2's {@code ip}: network namespaces, veth pairs, TUN devices, addresses and routes. */
    public static Path ip() {
        return locate("iproute2", List.of(Path.of("/usr/sbin/ip"), Path.of("/sbin/ip"), Path.of("/usr/bin/ip")));
    }

    /** {@code ping} from iputils-ping (ICMP echo through tunnels). */
    public static Path ping() {
        return locate("iputils-ping", List.of(Path.of("/usr/bin/ping"), Path.of("/bin/ping")));
    }

    /** {@code iperf3}: TCP transfers and throughput through tunnels. */
    public static Path iperf3() {
        return locate("iperf3", List.of(Path.of("/usr/bin/iperf3")));
    }

    /** Wireshark's command-line analyser, which captures through dumpcap (wireshark-common, a tshark dependency). */
    public static Path tshark() {
        locate("wireshark-common", List.of(Path.of("/usr/bin/dumpcap")));
        return locate("tshark", List.of(Path.of("/usr/bin/tshark")));
    }

    /** strongSwan's IKE daemon as a plain process (no systemd needed): /usr/sbin/charon-systemd. */
    public static Path charonSystemd() {
        return locate("charon-systemd", List.of(Path.of("/usr/sbin/charon-systemd")));
    }

    public static Path swanctl() {
        return locate("strongswan-swanctl", List.of(Path.of("/usr/sbin/swanctl")));
    }

    /**
     * A strongSwan plugin by its load name ("openssl", "kernel-libipsec"): fails naming the Debian
     * package that ships it (libstrongswan unless listed otherwise).
     */
    public static Path strongswanPlugin(String name) {
        if (!PLUGIN_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a strongSwan plugin name: " + name);
        }
        return locate(
                strongswanPluginPackage(name), List.of(STRONGSWAN_PLUGINS.resolve("libstrongswan-" + name + ".so")));
    }

    /** The Debian package shipping a strongSwan plugin. */
    public static String strongswanPluginPackage(String name) {
        return PLUGIN_PACKAGES.getOrDefault(name, "libstrongswan");
    }

    /** The first existing candidate; otherwise fails naming the first one and the package. */
    static Path locate(String debianPackage, List<Path> candidates) {
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new MissingPackageException(debianPackage, missingMessage(debianPackage, candidates.getFirst()));
    }

    /** e.g. "softhsm2 is not installed: /usr/lib/softhsm/libsofthsm2.so missing; run ./check as root or apt-get install softhsm2". */
    public static String missingMessage(String debianPackage, Path missing) {
        return debianPackage + " is not installed: " + missing + " missing; run ./check as root or apt-get install "
                + debianPackage;
    }

    private static Path executable(String name, String debianPackage) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("/usr/bin", name));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":", -1)) {
                if (!d.isEmpty()) {
                    candidates.add(Path.of(d, name));
                }
            }
        }
        Path found = locate(debianPackage, candidates);
        if (!Files.isExecutable(found)) {
            throw new MissingPackageException(
                    debianPackage,
                    debianPackage + " is broken: " + found
                            + " is not executable; run ./check as root or apt-get install --reinstall "
                            + debianPackage);
        }
        return found;
    }

    private static String multiarch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64" -> "aarch64-linux-gnu";
            default -> arch + "-linux-gnu";
        };
    }
}
