package io.ikeseal.hsm.token;

/** What an audited token call does: operation (e.g. "ecdh-derive"), PKCS#11 mechanism, key reference. */
public record TokenOperation(String operation, String mechanism, String keyRef) {}
