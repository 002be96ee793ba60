/**
 * The IKEv2 key schedule (RFC 7296 §2.13, §2.14, §2.18) as HKDF on a token (sealed tier) or on the host (compat
 * tier), and the start-up known-answer test of the sealed HKDF shapes. Built on hsm.token.
 */
package io.ikeseal.hsm.schedule;
