/**
 * Opt-in Wireshark key tables (debug.wireshark-keys, docs/operations-wire.md): the {@code ikev2_decryption_table} and
 * {@code esp_sa} files of Wireshark's user tables, kept by the daemon for its live SAs, with only the keys the
 * residency tier already keeps on the host. Key octets go from a HostKey straight into a row's octets and the file,
 * never into a String, a log line or an exception.
 */
package io.ikeseal.agent.wireshark;
