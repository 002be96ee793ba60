/**
 * The vocabulary the protocol layer and the token layer share: DH groups, PRFs, residency tiers and host keys, and
 * the protocol's narrow port to the key-exchange token ({@link io.ikeseal.hsm.api.IkeCrypto} with its opaque
 * {@link io.ikeseal.hsm.api.Secret} and {@link io.ikeseal.hsm.api.KeyShare} handles), and the
 * {@link io.ikeseal.hsm.api.AuditContext} every token call is recorded under. It depends on no other package of
 * ikeseal, so every other package may depend on it without forming a cycle.
 */
package io.ikeseal.hsm.api;
