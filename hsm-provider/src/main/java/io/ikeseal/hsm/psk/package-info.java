/**
 * Pre-shared keys (RFC 7296 §2.15) imported into a token and used there for the AUTH computation. Built on
 * hsm.token.
 */
package io.ikeseal.hsm.psk;
