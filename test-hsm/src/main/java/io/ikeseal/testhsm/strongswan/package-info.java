/**
 * strongSwan as a real IKEv2 peer on loopback: {@link io.ikeseal.testhsm.strongswan.Charon}
 * runs charon-systemd with its own ports and strongswan.conf, driven through swanctl
 * ({@link io.ikeseal.testhsm.strongswan.SwanctlConf}, {@link io.ikeseal.testhsm.strongswan.Connection}).
 * The Debian packages are installed by ./check.
 */
package io.ikeseal.testhsm.strongswan;
