package io.ikeseal.agent.wireshark;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.ikeseal.hsm.api.HostKey;

/**
 * One line of a Wireshark user table, as octets: its identifying prefix (SPIs and addresses, no key) and the whole
 * line with the key columns in hex. The only place this feature reads key octets ({@link Builder#hex(HostKey)}); the
 * line is wiped once written ({@link #wipe()}), and {@link #toString()} shows the prefix only.
 */
final class TableRow {
    /** Longer than any row this daemon's suites make (two SPIs, four keys of at most 64 octets, two names). */
    private static final int CAPACITY = 1024;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final byte[] prefix;
    private final byte[] line;

    private TableRow(byte[] prefix, byte[] line) {
        this.prefix = prefix;
        this.line = line;
    }

    /** The octets that start this row and no other: what removing it matches. */
    byte[] prefix() {
        return prefix.clone();
    }

    /** The whole line, newline included; the array itself, for the writer only. */
    byte[] line() {
        return line;
    }

    void wipe() {
        Arrays.fill(line, (byte) 0);
    }

    @Override
    public String toString() {
        return "TableRow[" + new String(prefix, StandardCharsets.US_ASCII) + "...]";
    }

    /** Fills a fixed array, so no grown copy of a key is left behind; {@link #build()} wipes it. */
    static final class Builder {
        private final byte[] buf = new byte[CAPACITY];
        private int length;
        private int prefixLength = -1;

        Builder text(String ascii) {
            byte[] b = ascii.getBytes(StandardCharsets.US_ASCII);
            ensure(b.length);
            System.arraycopy(b, 0, buf, length, b.length);
            length += b.length;
            return this;
        }

        /** A UAT string column: in double quotes (the names and addresses hold neither quotes nor backslashes). */
        Builder quoted(String ascii) {
            if (ascii.indexOf('"') >= 0 || ascii.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("no quotes in a table column");
            }
            return text("\"").text(ascii).text("\"");
        }

        /** Ends the identifying prefix here. */
        Builder endPrefix() {
            prefixLength = length;
            return this;
        }

        /** The key's octets in lower-case hex; the copy {@link HostKey#bytes()} returns is wiped at once. */
        Builder hex(HostKey key) {
            byte[] k = key.bytes();
            try {
                ensure(2 * k.length);
                for (byte b : k) {
                    buf[length++] = HEX[(b >> 4) & 0xf];
                    buf[length++] = HEX[b & 0xf];
                }
            } finally {
                Arrays.fill(k, (byte) 0);
            }
            return this;
        }

        /** A number in hex, {@code digits} wide (SPIs). */
        Builder hex(long value, int digits) {
            ensure(digits);
            for (int i = digits - 1; i >= 0; i--) {
                buf[length++] = HEX[(int) (value >>> (4 * i)) & 0xf];
            }
            return this;
        }

        TableRow build() {
            if (prefixLength < 0) {
                throw new IllegalStateException("a row needs its identifying prefix");
            }
            text("\n");
            try {
                return new TableRow(Arrays.copyOf(buf, prefixLength), Arrays.copyOf(buf, length));
            } finally {
                Arrays.fill(buf, (byte) 0);
            }
        }

        private void ensure(int more) {
            if (length + more > CAPACITY) {
                Arrays.fill(buf, (byte) 0);
                throw new IllegalStateException("table row longer than " + CAPACITY + " octets");
            }
        }
    }
}
