/**
 * PKCS#11 tokens through SunPKCS11: module loading, slot choice, login ({@link io.ikeseal.hsm.token.TokenLogin}),
 * capabilities, and the audited executor every token call runs on ({@link io.ikeseal.hsm.token.Token}). It depends
 * only on hsm.api and hsm.audit; kx, schedule, psk and sign build on it, and hsm.startup opens tokens.
 */
package io.ikeseal.hsm.token;
