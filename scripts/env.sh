# Shared by ./check and ./ikeseal: find a JDK >= 25 and the Debian packages the tokens and tests need.
# Sourced, not run.

IKESEAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian package -> a file that proves it is installed.
IKESEAL_PACKAGES=(
  "softhsm2:/usr/lib/softhsm/libsofthsm2.so"
  "softhsm2:/usr/bin/softhsm2-util"
  "libnss3:/usr/lib/x86_64-linux-gnu/libsoftokn3.so"
  "libnss3-tools:/usr/bin/certutil"
  "opensc:/usr/bin/pkcs11-tool"
  "opensc:/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so"
)

# What only ./check needs on top: strongSwan as the interop peer (test-hsm's io.ikeseal.testhsm.strongswan).
# Plugins are listed by the package that ships them; the rest of charon's plugin list is in libstrongswan
# and strongswan-libcharon, which charon-systemd depends on.
IKESEAL_TEST_PACKAGES=(
  "charon-systemd:/usr/sbin/charon-systemd"
  "strongswan-swanctl:/usr/sbin/swanctl"
  "strongswan-swanctl:/usr/lib/ipsec/plugins/libstrongswan-vici.so"
  "libstrongswan-standard-plugins:/usr/lib/ipsec/plugins/libstrongswan-openssl.so"
  "libstrongswan-standard-plugins:/usr/lib/ipsec/plugins/libstrongswan-gcm.so"
  "libstrongswan-extra-plugins:/usr/lib/ipsec/plugins/libstrongswan-curve25519.so"
  "libstrongswan-extra-plugins:/usr/lib/ipsec/plugins/libstrongswan-chapoly.so"
  "libcharon-extra-plugins:/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so"
  # The p11trace test module (test-hsm/src/main/c) is built with gcc against NSS's PKCS#11 headers.
  "gcc:/usr/bin/gcc"
  "libc6-dev:/usr/include/stdio.h"
  "libnss3-dev:/usr/include/nss/pkcs11t.h"
  "libnspr4-dev:/usr/include/nspr/prtypes.h"
  # The data-plane tests: namespaces, veth and TUN (ip), ICMP echo and TCP transfers through the tunnels.
  "iproute2:/usr/sbin/ip"
  "iputils-ping:/usr/bin/ping"
  "iperf3:/usr/bin/iperf3"
  # WiresharkKeysTest: tshark captures a handshake on lo and decodes it with the daemon's key tables.
  "tshark:/usr/bin/tshark"
  "wireshark-common:/usr/bin/dumpcap"
  # The package's checks (dist/DistIT): the systemd unit is verified offline; dpkg-deb builds the Debian package.
  "systemd:/usr/bin/systemd-analyze"
  "dpkg:/usr/bin/dpkg-deb"
)

ikeseal_java_major() { # $1 = java binary
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -1
}

# Prints JAVA_HOME of a JDK >= 25 (javac present), or returns 1.
ikeseal_find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  command -v javac >/dev/null 2>&1 && candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  for d in /usr/lib/jvm/*; do [ -d "$d" ] && candidates+=("$d"); done
  local best="" best_major=0 d major
  for d in "${candidates[@]}"; do
    [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ] || continue
    major="$(ikeseal_java_major "$d/bin/java")"
    [ -n "$major" ] || continue
    if [ "$major" -ge 25 ] && [ "$major" -gt "$best_major" ]; then best="$d"; best_major="$major"; fi
  done
  [ -n "$best" ] || return 1
  echo "$best"
}

ikeseal_require_jdk() {
  local home
  if ! home="$(ikeseal_find_jdk)"; then
    echo "ikeseal: no JDK 25 or newer found (looked at \$JAVA_HOME, javac on PATH and /usr/lib/jvm/*)." >&2
    echo "ikeseal: install one (e.g. Temurin 25) and set JAVA_HOME." >&2
    exit 1
  fi
  export JAVA_HOME="$home"
  export PATH="$JAVA_HOME/bin:$PATH"
}

# Installs missing Debian packages when root; otherwise names them and fails.
ikeseal_require_packages() {
  local missing=() entry pkg file
  for entry in "${IKESEAL_PACKAGES[@]}" "$@"; do
    pkg="${entry%%:*}"; file="${entry#*:}"
    if [ ! -e "$file" ] && [[ ! " ${missing[*]} " == *" $pkg "* ]]; then missing+=("$pkg"); fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ikeseal: installing missing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    # wireshark-common asks whether non-root users may capture: no (captures here run as root).
    if command -v debconf-set-selections >/dev/null 2>&1; then
      echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
    fi
    apt-get update -qq >&2 || true
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; then
      echo "ikeseal: apt-get install ${missing[*]} failed" >&2
      exit 1
    fi
  else
    echo "ikeseal: missing Debian packages: ${missing[*]}" >&2
    echo "ikeseal: run as root (it installs them itself) or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  for entry in "${IKESEAL_PACKAGES[@]}" "$@"; do
    file="${entry#*:}"
    [ -e "$file" ] || { echo "ikeseal: ${entry%%:*} installed but $file is still missing" >&2; exit 1; }
  done
}

# Maven 3.8 on JDK 25 warns about sun.misc.Unsafe in its own guava; that noise is not ours.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

ikeseal_require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "ikeseal: installing maven" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends maven >&2
    else
      echo "ikeseal: Maven (mvn) not found; install it (apt-get install maven)" >&2
      exit 1
    fi
  fi
}

# JVM flags the token layer needs (see pom.xml ikeseal.jvm.exports).
IKESEAL_JVM_FLAGS=(--add-modules=jdk.crypto.cryptoki
  --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED
  --add-exports=java.base/sun.security.util=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED
  -Dsun.security.pkcs11.disableKeyExtraction=true
  --sun-misc-unsafe-memory-access=allow)  # Netty 4.1 still calls sun.misc.Unsafe memory methods
