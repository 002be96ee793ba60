package io.ikeseal.hsm.token;

/** The body of a token call; runs on the token's executor thread. */
@FunctionalInterface
public interface TokenCall<T> {
    T run() throws Exception;
}
