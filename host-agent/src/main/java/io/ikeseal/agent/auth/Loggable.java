package io.ikeseal.agent.auth;

/** Text quoted from a peer, made fit for one log line or audit field. */
final class Loggable {
    private Loggable() {}

    /** Control characters (a forged line break, say) become '?'; cut at {@code max} characters. */
    static String text(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.length() < s.length() ? b.append("...").toString() : b.toString();
    }
}
