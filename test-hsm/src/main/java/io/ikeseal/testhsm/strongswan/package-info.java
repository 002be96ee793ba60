/**
 * strongSwan as a real IKEv2 peer on loopback: {@link io.ikeseal.testhsm.strongswan.Charon}
 * runs charon-systemd with its own ports and strongswan.conf, driven through swanctl
 * ({@link io.ikeseal.testhsm.strongswan.SwanctlConf}, {@link io.ikeseal.testhsm.strongswan.Connection});
 * {@link io.ikeseal.testhsm.strongswan.CharonKeys} reads the IKE and CHILD_SA keys charon logs,
 * so a test can compare them with ikeseal's. The Debian packages are installed by ./check.
 */
package io.ikeseal.testhsm.strongswan;
