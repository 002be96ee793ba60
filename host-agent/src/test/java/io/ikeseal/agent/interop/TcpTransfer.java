package io.ikeseal.agent.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Both ends of a TCP transfer through a tunnel, each run as its own JVM inside a network namespace
 * ({@link NamespaceProcess}): {@code receive ADDRESS PORT} accepts one connection, reads it to the end and prints
 * {@code received N sha256 HEX}; {@code send FROM TO PORT BYTES SEED} connects from FROM, writes BYTES pseudo-random
 * octets (SplittableRandom(SEED)) and prints {@code sent N sha256 HEX}. The test compares the two lines. Every
 * blocking step has a timeout, so a broken tunnel ends in a non-zero exit, never a hang.
 */
public final class TcpTransfer {
    static final String LISTENING = "listening";
    private static final int TIMEOUT_MILLIS = 30_000;
    private static final int CHUNK = 64 * 1024;

    private TcpTransfer() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("receive")) {
            receive(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        } else if (args.length == 6 && args[0].equals("send")) {
            send(
                    InetAddress.getByName(args[1]),
                    InetAddress.getByName(args[2]),
                    Integer.parseInt(args[3]),
                    Long.parseLong(args[4]),
                    Long.parseLong(args[5]));
        } else {
            System.err.println("usage: receive ADDRESS PORT | send FROM TO PORT BYTES SEED");
            System.exit(2);
        }
    }

    private static void receive(InetAddress address, int port) throws IOException, NoSuchAlgorithmException {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(address, port));
            server.setSoTimeout(TIMEOUT_MILLIS);
            System.out.println(LISTENING);
            System.out.flush();
            try (Socket s = server.accept();
                    InputStream in = s.getInputStream()) {
                s.setSoTimeout(TIMEOUT_MILLIS);
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[CHUNK];
                long total = 0;
                for (int n; (n = in.read(buf)) >= 0; ) {
                    sha.update(buf, 0, n);
                    total += n;
                }
                System.out.println(
                        "received " + total + " sha256 " + HexFormat.of().formatHex(sha.digest()));
            }
        }
    }

    private static void send(InetAddress from, InetAddress to, int port, long bytes, long seed)
            throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buf = new byte[CHUNK];
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress(to, port), TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = s.getOutputStream();
            long left = bytes;
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                random.nextBytes(buf);
                sha.update(buf, 0, n);
                out.write(buf, 0, n);
                left -= n;
            }
            out.flush();
            s.shutdownOutput();
            // wait for the receiver's close, so every octet was read before we report
            if (s.getInputStream().read() >= 0) {
                throw new IOException("the receiver sent data");
            }
        }
        System.out.println("sent " + bytes + " sha256 " + HexFormat.of().formatHex(sha.digest()));
    }
}
