package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.established;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.KeyExchangePayload;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.PayloadChain;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.agent.wire.TrafficSelectorPayload;
import io.ikeseal.agent.wire.WireWriter;
import io.ikeseal.hsm.api.DhGroup;

/**
 * Inner payload chains of real requests between the harness's initiator and responder (IKE_AUTH with a PSK and with
 * certificates, the liveness check, a CHILD_SA Delete), opened with the responder's keys, and requests put together
 * from their payloads (CREATE_CHILD_SA for a new CHILD_SA with and without PFS, CHILD_SA and IKE SA rekeys, IKE SA
 * Delete, an error notification), which our initiator never sends. {@link ResponderFuzzTest} seals them again, as
 * mutated, under the keys of the SA it is fuzzing.
 */
final class RecordedPlaintexts {
    /** A request's inner chain: what an SK payload of {@code exchange} would carry, {@code first} naming its head. */
    record Plaintext(String name, ExchangeType exchange, int first, byte[] chain) {
        static Plaintext of(String name, ExchangeType exchange, List<? extends IkePayload> payloads) {
            return new Plaintext(name, exchange, PayloadChain.firstType(payloads), PayloadChain.encode(payloads));
        }
    }

    static final List<Plaintext> ALL = record();

    private RecordedPlaintexts() {}

    private static List<Plaintext> record() {
        try {
            List<Plaintext> out = new ArrayList<>(recorded(false));
            out.addAll(recorded(true));
            return List.copyOf(out);
        } catch (Exception e) {
            throw new IllegalStateException("recording the seed exchanges failed", e);
        }
    }

    private static List<Plaintext> recorded(boolean signatures) throws Exception {
        ExchangePair pair = new ExchangePair(
                ExchangeSettings.DEFAULT,
                Set.of(DhGroup.ECP_256),
                List.of("aes256gcm16-prfsha256-ecp256"),
                List.of("aes256gcm16-prfsha256-ecp256"),
                1,
                signatures);
        IkeSaInfo info = established(pair);
        IkeSa initiator = pair.initiator.gateway.sa(info.spiI()).orElseThrow();
        IkeSa responder = pair.responder.gateway.sa(info.spiI()).orElseThrow();
        if (!get(pair.initiator.gateway.checkLiveness(info.spiI()))) {
            throw new IllegalStateException("no answer to the liveness check");
        }
        ChildSaRecord child = pair.initiator.installer.installed().getFirst();
        byte[] childSpi =
                new WireWriter(4).u32(child.inboundSpi() & 0xffffffffL).array();
        CompletableFuture<IkeMessage> deleted = new CompletableFuture<>();
        ExchangeEngineTest.queue(initiator, new InitiatorTask() {
            @Override
            public void start() {
                initiator
                        .tasks()
                        .send(
                                this,
                                ExchangeType.INFORMATIONAL,
                                List.of(new DeletePayload(ProtocolId.ESP, List.of(childSpi))));
            }

            @Override
            public void onResponse(IkeMessage response, IkeDatagram datagram) {
                deleted.complete(response);
            }
        });
        get(deleted);

        String how = signatures ? "certificates" : "PSK";
        List<Plaintext> out = new ArrayList<>();
        IkeMessage init = null;
        IkeMessage auth = null;
        for (MemoryNetwork.Packet p : pair.network.log()) {
            if (!p.to().equals(ExchangePair.GATEWAY) || p.header().isResponse()) {
                continue;
            }
            IkeMessage m = IkeMessageCodec.decode(p.octets());
            if (!m.isSealed()) {
                init = m;
                continue;
            }
            IkeMessage opened = responder.protection().messages().unprotect(m, p.octets());
            auth = auth == null ? opened : auth;
            ExchangeType type = p.header().exchange();
            out.add(Plaintext.of(type + " #" + p.header().messageId() + " " + how, type, opened.payloads()));
        }
        if (signatures || init == null || auth == null) {
            return out;
        }
        SecurityAssociationPayload childSa =
                auth.first(SecurityAssociationPayload.class).orElseThrow();
        SecurityAssociationPayload ikeSa =
                init.first(SecurityAssociationPayload.class).orElseThrow();
        IkePayload nonce = init.first(NoncePayload.class).orElseThrow();
        IkePayload ke = init.first(KeyExchangePayload.class).orElseThrow();
        List<TrafficSelectorPayload> ts = auth.all(TrafficSelectorPayload.class);
        IkePayload rekeyChild = new NotifyPayload(ProtocolId.ESP, childSpi, NotifyType.REKEY_SA, new byte[0]);
        out.add(Plaintext.of("new CHILD_SA", ExchangeType.CREATE_CHILD_SA, list(childSa, nonce, ts)));
        out.add(Plaintext.of("new CHILD_SA, PFS", ExchangeType.CREATE_CHILD_SA, list(childSa, nonce, ke, ts)));
        out.add(Plaintext.of("CHILD_SA rekey", ExchangeType.CREATE_CHILD_SA, list(rekeyChild, childSa, nonce, ts)));
        out.add(Plaintext.of("IKE SA rekey", ExchangeType.CREATE_CHILD_SA, List.of(ikeSa, nonce, ke)));
        out.add(Plaintext.of(
                "IKE SA Delete", ExchangeType.INFORMATIONAL, List.of(new DeletePayload(ProtocolId.IKE, List.of()))));
        out.add(Plaintext.of(
                "AUTHENTICATION_FAILED",
                ExchangeType.INFORMATIONAL,
                List.of(NotifyPayload.of(NotifyType.AUTHENTICATION_FAILED))));
        return out;
    }

    private static List<IkePayload> list(IkePayload a, IkePayload b, List<TrafficSelectorPayload> ts) {
        List<IkePayload> out = new ArrayList<>(List.of(a, b));
        out.addAll(ts);
        return out;
    }

    private static List<IkePayload> list(IkePayload a, IkePayload b, IkePayload c, List<TrafficSelectorPayload> ts) {
        List<IkePayload> out = new ArrayList<>(List.of(a, b, c));
        out.addAll(ts);
        return out;
    }
}
