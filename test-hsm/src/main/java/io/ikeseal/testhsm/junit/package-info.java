/**
 * JUnit 5 extensions handing out one token or one strongSwan charon per test class, registered
 * on static fields with {@code @RegisterExtension}. junit-jupiter-api is an optional dependency of test-hsm.
 */
package io.ikeseal.testhsm.junit;
