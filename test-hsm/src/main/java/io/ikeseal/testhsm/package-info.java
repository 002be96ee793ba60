/**
 * Throw-away PKCS#11 tokens (SoftHSM, NSS softoken, optionally behind pkcs11-spy) and a test CA.
 *
 * <p>Plain Java with no JUnit dependency: {@code ikeseal setup-demo} provisions its demo tokens
 * with these classes. Every token gets its own copy of its PKCS#11 module so that several coexist
 * in one JVM. The JVM should run with {@code --enable-native-access=ALL-UNNAMED} ({@link
 * io.ikeseal.testhsm.NativeEnv} calls libc {@code setenv}); without it JDK 25 only warns.
 */
package io.ikeseal.testhsm;
