/**
 * The vocabulary the protocol layer and the token layer share: DH groups, PRFs, residency tiers and host keys. It
 * depends on no other package of ikeseal, so every other package may depend on it without forming a cycle.
 */
package io.ikeseal.hsm.api;
