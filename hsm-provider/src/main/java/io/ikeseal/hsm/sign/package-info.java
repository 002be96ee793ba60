/**
 * IKE_AUTH signatures (RFC 7296 §3.8, RFC 7427) made by identity tokens, and their verification. Built on
 * hsm.token.
 */
package io.ikeseal.hsm.sign;
