package io.ikeseal.agent.ts;

/**
 * A traffic selector as written in the configuration is wrong. The message quotes the text and says what is wrong
 * in one line, for example {@code '10.1.0.0/33': prefix length 33 is above 32, the longest for IPv4}; the
 * configuration layer puts the file and key in front.
 */
public class SelectorSyntaxException extends IllegalArgumentException {
    public SelectorSyntaxException(String message) {
        super(message);
    }
}
