package io.ikeseal.agent.exchange;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.transport.IkeSender;
import io.ikeseal.agent.transport.IkeSpiTable;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.MalformedMessageException;

/**
 * The network of {@link ResponderFuzzTest}: what the real initiator sends waits in {@link #pending} until the fuzz
 * input delivers it (as sent, mutated, or never); what the responder sends is logged and, when addressed to the
 * initiator, delivered to it at once. Datagrams reach the responder as the transport's dispatcher hands them over
 * ({@code IkeDispatcher}): undecodable ones and IKE_SA_INIT requests with a bad header are dropped there, other
 * IKE_SA_INIT requests go to the listener, everything else by SPI.
 */
final class FuzzWire {
    /** Datagrams the initiator sent towards the responder and the input has not delivered yet. */
    final List<byte[]> pending = new ArrayList<>();
    /** Everything that reached the responder, to be replayed. */
    final List<byte[]> seen = new ArrayList<>();
    /** Every datagram the responder sent, in order. */
    final List<byte[]> answers = new ArrayList<>();

    /** Datagrams made with the SA's keys: the initiator's, and those the input had sealed under them. */
    private final Set<ByteBuffer> authentic = new HashSet<>();

    private final ExchangePair.Side initiator;
    private final ExchangePair.Side responder;
    private final Consumer<byte[]> onInitiatorSend;

    FuzzWire(ExchangePair.Side initiator, ExchangePair.Side responder, Consumer<byte[]> onInitiatorSend) {
        this.initiator = initiator;
        this.responder = responder;
        this.onInitiatorSend = onInitiatorSend;
    }

    /** The initiator's path to the responder. */
    IkeSender initiatorPath() {
        return sender(ExchangePair.BRANCH, ExchangePair.GATEWAY, octets -> {
            byte[] copy = octets.clone();
            pending.add(copy);
            authentic.add(ByteBuffer.wrap(copy));
            onInitiatorSend.accept(copy);
        });
    }

    /** Whether these octets were made with the SA's keys (a replay of such a datagram is no forgery). */
    boolean authentic(byte[] octets) {
        return authentic.contains(ByteBuffer.wrap(octets));
    }

    /** The input had these octets sealed with the SA's keys. */
    void sealed(byte[] octets) {
        authentic.add(ByteBuffer.wrap(octets.clone()));
    }

    /** Hands {@code octets} from {@code from} to the responder; false if the transport would drop it undecoded. */
    boolean toResponder(byte[] octets, InetSocketAddress from) {
        IkeMessage m;
        try {
            m = IkeMessageCodec.decode(octets);
        } catch (MalformedMessageException e) {
            return false;
        }
        seen.add(octets);
        IkeHeader h = m.header();
        IkeDatagram dg = new IkeDatagram(m, octets, from, ExchangePair.GATEWAY, false);
        IkeSender replies = sender(ExchangePair.GATEWAY, from, this::fromResponder);
        if (h.initiatorSpi() == 0) {
            return true;
        }
        if (h.exchangeType() == ExchangeType.IKE_SA_INIT.code() && h.isRequest()) {
            if (h.responderSpi() == 0 && h.fromInitiator()) {
                responder.gateway.listener().ikeSaInitRequest(dg, replies);
            }
            return true;
        }
        var sa = responder.spis.lookup(IkeSpiTable.ourSpi(h));
        if (sa != null) {
            sa.receive(dg, replies);
        }
        return true;
    }

    private void fromResponder(byte[] octets) {
        answers.add(octets.clone());
    }

    /** The responder's answers to the initiator's address reach the initiator, as UDP would deliver them. */
    private void toInitiator(byte[] octets) {
        IkeMessage m;
        try {
            m = IkeMessageCodec.decode(octets);
        } catch (MalformedMessageException e) {
            throw new IllegalStateException("the responder sent a malformed message", e);
        }
        var sa = initiator.spis.lookup(IkeSpiTable.ourSpi(m.header()));
        if (sa != null) {
            sa.receive(new IkeDatagram(m, octets, ExchangePair.GATEWAY, ExchangePair.BRANCH, false), initiatorPath());
        }
    }

    private IkeSender sender(InetSocketAddress local, InetSocketAddress remote, Consumer<byte[]> out) {
        return new IkeSender() {
            @Override
            public InetSocketAddress local() {
                return local;
            }

            @Override
            public InetSocketAddress remote() {
                return remote;
            }

            @Override
            public boolean natT() {
                return false;
            }

            @Override
            public CompletableFuture<Void> send(byte[] octets) {
                out.accept(octets);
                if (local.equals(ExchangePair.GATEWAY) && remote.equals(ExchangePair.BRANCH)) {
                    toInitiator(octets.clone());
                }
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
