/**
 * Diffie-Hellman and ECDH on a token (RFC 7296 §2.14, RFC 3526, RFC 5903), and the start-up self-test that proves
 * a listed group works. Built on hsm.token; knows nothing of the key schedule.
 */
package io.ikeseal.hsm.kx;
