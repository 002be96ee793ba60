/**
 * The token-backed implementation of the protocol layer's port ({@link io.ikeseal.hsm.api.IkeCrypto}): the one
 * place where the key-exchange token's key exchange, key schedule and pre-shared keys are put together for IKE.
 * The daemon and the CLI build it; the exchanges see only the port.
 */
package io.ikeseal.hsm.port;
