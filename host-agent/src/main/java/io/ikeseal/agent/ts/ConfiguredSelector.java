package io.ikeseal.agent.ts;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A traffic selector as a user configures it: either fixed ({@code 10.1.0.0/16[tcp/443]}) or {@code dynamic}, the
 * IKE SA's own address on the local side and the peer's on the remote side (later: a virtual IP), known only once
 * the IKE SA's addresses are. {@link #parse} reads the notation of {@link SelectorNotation}; {@code toString()}
 * writes it back.
 */
public sealed interface ConfiguredSelector {

    /** The selector for an IKE SA whose address on this selector's side is {@code address}. */
    Selector resolve(InetAddress address);

    /** A selector known from the configuration alone. */
    record Fixed(Selector selector) implements ConfiguredSelector {
        @Override
        public Selector resolve(InetAddress address) {
            return selector;
        }

        @Override
        public String toString() {
            return selector.toString();
        }
    }

    /**
     * The IKE SA's address on this side, with a protocol and ports. The family comes from the address, so
     * {@code dynamic[icmp]} on an IPv6 IKE SA is a selector that matches nothing; it is not an error.
     */
    record Dynamic(int protocol, int startPort, int endPort) implements ConfiguredSelector {
        public static final Dynamic ANY = new Dynamic(IpProtocol.ANY, Selector.ANY_START_PORT, Selector.ANY_END_PORT);

        public Dynamic {
            Selector.checkProtocolAndPorts(protocol, startPort, endPort);
        }

        @Override
        public Selector resolve(InetAddress address) {
            return Selector.host(address, protocol, startPort, endPort);
        }

        @Override
        public String toString() {
            return SelectorNotation.DYNAMIC + SelectorNotation.formatSuffix(protocol, startPort, endPort);
        }
    }

    /**
     * Reads one selector.
     *
     * @throws SelectorSyntaxException naming what is wrong
     */
    static ConfiguredSelector parse(String text) {
        return SelectorNotation.parse(text);
    }

    /**
     * Reads a comma-separated list such as {@code 10.1.0.0/16, 10.2.0.0/16[udp/53]}.
     *
     * @throws SelectorSyntaxException naming the entry (counted from 1) and what is wrong with it
     */
    static List<ConfiguredSelector> parseList(String text) {
        String[] parts = text.split(",", -1);
        List<ConfiguredSelector> out = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            try {
                out.add(SelectorNotation.parse(parts[i]));
            } catch (SelectorSyntaxException e) {
                throw parts.length == 1
                        ? e
                        : new SelectorSyntaxException(
                                "entry " + (i + 1) + " of " + parts.length + ": " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    /** Resolves every selector for an IKE SA whose address on their side is {@code address}. */
    static List<Selector> resolveAll(List<ConfiguredSelector> selectors, InetAddress address) {
        List<Selector> out = new ArrayList<>(selectors.size());
        for (ConfiguredSelector s : selectors) {
            out.add(s.resolve(address));
        }
        return List.copyOf(out);
    }

    /** The list in notation, comma-separated, as {@link #parseList} reads it. */
    static String format(List<? extends ConfiguredSelector> selectors) {
        return SelectorNotation.join(selectors);
    }
}
