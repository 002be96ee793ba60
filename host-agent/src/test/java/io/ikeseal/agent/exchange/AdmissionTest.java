package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.established;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.AdmissionSettings;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.transport.IkeSender;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.hsm.api.DhGroup;

/**
 * Admission before token work (RFC 7296 §2.2, §2.6; RFC 8019 §4): crafted IKE_SA_INIT requests from chosen source
 * addresses go straight to the responder's listener, an attacker that echoes every COOKIE it gets included; the
 * software port counts the key shares each costs.
 */
class AdmissionTest {
    private static final ExchangeSettings SETTINGS = ExchangeSettings.DEFAULT;

    /** A peer that answers every COOKIE at once, the cheapest attack that passes the cookie check. */
    private static final class EchoingSource implements IkeSender {
        private final InetSocketAddress address;
        private final List<IkeMessage> answers = new ArrayList<>();

        EchoingSource(String ip) throws Exception {
            address = new InetSocketAddress(InetAddress.getByName(ip), 500);
        }

        @Override
        public InetSocketAddress local() {
            return ExchangePair.GATEWAY;
        }

        @Override
        public InetSocketAddress remote() {
            return address;
        }

        @Override
        public boolean natT() {
            return false;
        }

        @Override
        public CompletableFuture<Void> send(byte[] octets) {
            try {
                answers.add(IkeMessageCodec.decode(octets));
            } catch (io.ikeseal.agent.wire.MalformedMessageException e) {
                throw new AssertionError(e);
            }
            return CompletableFuture.completedFuture(null);
        }

        /** Sends {@code request} under {@code spiI}; echoes a COOKIE answer once. */
        void start(ExchangePair pair, IkeMessage request, long spiI) throws Exception {
            int before = answers.size();
            IkeMessage m = withSpi(request, spiI);
            deliver(pair, m);
            if (answers.size() > before
                    && answers.getLast().notification(NotifyType.COOKIE).isPresent()) {
                List<IkePayload> p = new ArrayList<>();
                p.add(answers.getLast().notification(NotifyType.COOKIE).orElseThrow());
                p.addAll(m.payloads());
                deliver(pair, new IkeMessage(m.header(), p));
            }
        }

        void deliver(ExchangePair pair, IkeMessage m) throws Exception {
            byte[] octets = m.encode();
            pair.responder
                    .gateway
                    .listener()
                    .ikeSaInitRequest(
                            new IkeDatagram(
                                    IkeMessageCodec.decode(octets), octets, address, ExchangePair.GATEWAY, false),
                            this);
        }

        long answered(int notifyType) {
            return answers.stream()
                    .filter(a -> a.notification(notifyType).isPresent())
                    .count();
        }
    }

    /** The initiator's real IKE_SA_INIT request (SA, KE, Ni, NAT detection), taken from a handshake. */
    private static IkeMessage realRequest() throws Exception {
        ExchangePair donor = new ExchangePair();
        established(donor);
        return IkeMessageCodec.decode(donor.network.log().getFirst().octets());
    }

    private static IkeMessage withSpi(IkeMessage m, long spiI) {
        return new IkeMessage(IkeHeader.of(spiI, 0, ExchangeType.IKE_SA_INIT, true, false, 0), m.payloads());
    }

    private static ExchangePair pair(ExchangeSettings settings, String responderIke) {
        return new ExchangePair(
                settings,
                Set.of(DhGroup.ECP_256, DhGroup.ECP_384),
                List.of("aes256gcm16-prfsha256-ecp256"),
                List.of(responderIke),
                1);
    }

    @Test
    void aSourceEchoingCookiesIsStoppedAtItsLimitWhileAnotherStillCompletes() throws Exception {
        IkeMessage request = realRequest();
        ExchangePair pair = new ExchangePair();
        EchoingSource attacker = new EchoingSource("198.51.100.7");
        for (int i = 1; i <= 50; i++) {
            attacker.start(pair, request, 0x1000 + i);
        }
        AdmissionSettings a = SETTINGS.admission();
        assertEquals(a.sourceLimit(), pair.responder.crypto.calls("generateShare"), "one key share per admitted SA");
        assertEquals(a.sourceLimit(), pair.responder.gateway.halfOpenCount());
        assertEquals(50 - a.sourceLimit(), pair.responder.counters.getSa("half-open-source-limit"));
        assertEquals(a.sourceLimit() - a.sourceCookieThreshold(), attacker.answered(NotifyType.COOKIE));
        established(pair);
        assertEquals(a.sourceLimit() + 1, pair.responder.crypto.calls("generateShare"));
    }

    /**
     * A stopping daemon admits no new SA: one begun while its SAs are being deleted would keep its token objects past
     * the daemon's close (found against charon, which started an IKE SA as ikeseal stopped).
     */
    @Test
    void aGatewayThatStoppedAdmittingStartsNoSaAndNoTokenWork() throws Exception {
        ExchangePair pair = new ExchangePair();
        pair.responder.gateway.stopAdmitting();

        new EchoingSource("192.0.2.9").start(pair, realRequest(), 0x4242);

        assertEquals(0, pair.responder.crypto.calls("generateShare"));
        assertEquals(0, pair.responder.gateway.halfOpenCount());
        assertEquals(1, pair.responder.counters.getSa("stopping"));
    }

    @Test
    void aPrefixIsStoppedAtItsLimitAcrossItsAddresses() throws Exception {
        IkeMessage request = realRequest();
        ExchangePair pair = new ExchangePair();
        for (int host = 1; host <= 8; host++) {
            EchoingSource s = new EchoingSource("203.0.113." + host);
            for (int i = 1; i <= 10; i++) {
                s.start(pair, request, host * 0x100L + i);
            }
        }
        int limit = SETTINGS.admission().prefixLimit();
        assertEquals(limit, pair.responder.crypto.calls("generateShare"));
        assertTrue(pair.responder.counters.getSa("half-open-prefix-limit") > 0);
        established(pair); // 192.0.2.1: another prefix
    }

    /**
     * The new SAs' IKE_SA_INIT work runs {@link ResponderSessions#INIT_SLOTS} at a time (the first ones arrive before
     * the gateway is under load; then no more start) and queues up to {@link ResponderSessions#INIT_WAITING}; past
     * that a request is dropped before a COOKIE is made, since one would only invite a second request to drop. Each
     * source in its own /24, so only the global limits apply.
     */
    @Test
    void aFullQueueOfInitWorkDropsBeforeHandingOutACookie() throws Exception {
        IkeMessage request = realRequest();
        ExchangePair pair = new ExchangePair();
        CompletableFuture<Void> token = pair.responder.crypto.holdGenerateShare();
        int capacity = ResponderSessions.INIT_SLOTS + ResponderSessions.INIT_WAITING;
        List<EchoingSource> sources = new ArrayList<>();
        for (int i = 0; i < capacity + 10; i++) {
            EchoingSource s = new EchoingSource("10." + (i / 250) + "." + (i % 250) + ".1");
            sources.add(s);
            s.start(pair, request, 0x2000 + i);
        }
        assertEquals(ResponderSessions.INIT_SLOTS, pair.responder.crypto.calls("generateShare"), "slots full");
        assertEquals(capacity, pair.responder.gateway.halfOpenCount());
        assertEquals(10, pair.responder.counters.getSa("init-queue-full"));
        assertEquals(capacity - SETTINGS.cookieThreshold(), pair.responder.counters.getSa("cookie-sent"));
        for (EchoingSource late : sources.subList(capacity, sources.size())) {
            assertTrue(late.answers.isEmpty(), "no COOKIE for a request the full queue drops");
        }
        token.complete(null);
        assertEquals(capacity, pair.responder.crypto.calls("generateShare"), "the queued work runs once freed");
    }

    /**
     * Under load (COOKIEs asked of everyone), new SAs from unknown addresses get one slot, freed only as long after an
     * SA's IKE_SA_INIT work as that work took, so they hold the token at most half the time however fast it is
     * (CookieEchoFloodTest (b)). A cookie threshold of 1 puts the gateway under load from the second SA on.
     */
    @Test
    void underLoadAnUnknownSasSlotIsFreedAsLongAfterItsWorkAsTheWorkTook() throws Exception {
        IkeMessage request = realRequest();
        ExchangePair pair = pair(SETTINGS.withHalfOpen(SETTINGS.halfOpenTimeout(), 1), "aes256gcm16-prfsha256-ecp256");
        CompletableFuture<Void> token = pair.responder.crypto.holdGenerateShare();
        new EchoingSource("10.0.1.1").start(pair, request, 0x3001);
        new EchoingSource("10.0.2.1").start(pair, request, 0x3002);
        assertEquals(1, pair.responder.crypto.calls("generateShare"));
        pair.scheduler.advance(Duration.ofMillis(100)); // the token takes 100 ms for the first SA's key share
        token.complete(null);
        assertEquals(1, pair.responder.crypto.calls("generateShare"), "answered, but its slot pauses");
        pair.scheduler.advance(Duration.ofMillis(99));
        assertEquals(1, pair.responder.crypto.calls("generateShare"));
        pair.scheduler.advance(Duration.ofMillis(1));
        assertEquals(2, pair.responder.crypto.calls("generateShare"), "the next SA's work starts after 100 ms");
        assertEquals(2, pair.responder.gateway.halfOpenCount());
    }

    /** Not under load, new SAs' IKE_SA_INIT work runs side by side and no slot pauses: a reconnect storm is served. */
    @Test
    void notUnderLoadNewSasWorkRunsSideBySideWithoutPause() throws Exception {
        IkeMessage request = realRequest();
        ExchangePair pair = new ExchangePair();
        CompletableFuture<Void> token = pair.responder.crypto.holdGenerateShare();
        int quiet = SETTINGS.cookieThreshold() - 1;
        for (int i = 0; i < quiet; i++) {
            new EchoingSource("10.1." + i + ".1").start(pair, request, 0x4000 + i);
        }
        assertEquals(
                Math.min(quiet, ResponderSessions.INIT_SLOTS),
                pair.responder.crypto.calls("generateShare"),
                "parallel");
        pair.scheduler.advance(Duration.ofMillis(100));
        token.complete(null);
        assertEquals(quiet, pair.responder.crypto.calls("generateShare"), "the queued ones follow at once, no pause");
        assertEquals(0, pair.responder.counters.getSa("cookie-sent"));
    }

    @Test
    void messageIdSevenAndOversizeRequestsCostNothingAndLeaveNoState() throws Exception {
        IkeMessage request = realRequest();
        ExchangePair pair = new ExchangePair();
        EchoingSource peer = new EchoingSource("198.51.100.9");
        IkeMessage seven =
                new IkeMessage(IkeHeader.of(0x77, 0, ExchangeType.IKE_SA_INIT, true, false, 7), request.payloads());
        peer.deliver(pair, seven);
        List<IkePayload> big = new ArrayList<>(request.payloads());
        big.add(NotifyPayload.of(40_960, new byte[ResponderSessions.MAX_INIT_OCTETS])); // a private-use status
        peer.deliver(pair, new IkeMessage(IkeHeader.of(0x78, 0, ExchangeType.IKE_SA_INIT, true, false, 0), big));
        assertEquals(0, pair.responder.crypto.totalCalls(), "no token operation");
        assertEquals(0, pair.responder.spis.size(), "no SA registered");
        assertTrue(peer.answers.isEmpty(), "unanswered");
        assertEquals(1, pair.responder.counters.getSa("ike-sa-init-message-id"));
        assertEquals(1, pair.responder.counters.getSa("ike-sa-init-oversize"));
    }

    @Test
    void thePreviousCookieSecretIsAcceptedForTheGracePeriodOnly() throws Exception {
        ManualScheduler clock = new ManualScheduler();
        Cookies cookies = new Cookies(new SecureRandom(), clock.clock(), Duration.ofMinutes(5), Duration.ofSeconds(30));
        byte[] ni = new byte[32];
        InetAddress ip = InetAddress.getByName("198.51.100.1");
        byte[] early = cookies.make(ni, ip, 1);
        clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        byte[] late = cookies.make(ni, ip, 1);
        assertTrue(cookies.valid(early, ni, ip, 1), "same secret");
        clock.advance(Duration.ofSeconds(2)); // rotated at 5:00
        assertTrue(cookies.valid(late, ni, ip, 1), "previous secret, within the grace period");
        assertFalse(cookies.valid(late, ni, ip, 2), "bound to SPIi");
        clock.advance(Duration.ofSeconds(28)); // 5:29
        assertTrue(cookies.valid(early, ni, ip, 1));
        clock.advance(Duration.ofSeconds(2)); // 5:31
        assertFalse(cookies.valid(early, ni, ip, 1), "previous secret past its grace period");
        assertTrue(cookies.valid(cookies.make(ni, ip, 1), ni, ip, 1));

        Cookies quiet = new Cookies(new SecureRandom(), clock.clock(), Duration.ofMinutes(5), Duration.ofSeconds(30));
        byte[] old = quiet.make(ni, ip, 1);
        clock.advance(Duration.ofHours(1));
        assertFalse(quiet.valid(old, ni, ip, 1), "after a quiet hour the old secret retired long ago");
    }

    @Test
    void refusalsAreRateLimitedPerSourceAndInAll() throws Exception {
        IkeMessage request = realRequest(); // ecp256 only
        AdmissionSettings a = new AdmissionSettings(400, 3, 5, 12, 20, 10, 25);
        ExchangePair pair = pair(SETTINGS.withAdmission(a), "aes128gcm16-prfsha384-ecp384");
        List<EchoingSource> sources = new ArrayList<>();
        for (int host = 1; host <= 4; host++) {
            EchoingSource s = new EchoingSource("198.51.100." + host);
            sources.add(s);
            for (int i = 1; i <= 30; i++) {
                s.deliver(pair, withSpi(request, host * 0x100L + i));
            }
        }
        assertEquals(10, sources.get(0).answered(NotifyType.NO_PROPOSAL_CHOSEN), "per source");
        assertEquals(
                25,
                sources.stream()
                        .mapToLong(s -> s.answered(NotifyType.NO_PROPOSAL_CHOSEN))
                        .sum(),
                "in all");
        assertEquals(25, pair.responder.counters.getSa("refused.NO_PROPOSAL_CHOSEN"));
        assertEquals(95, pair.responder.counters.getSa("refusal-rate-limited.NO_PROPOSAL_CHOSEN"));
        assertEquals(0, pair.responder.crypto.calls("generateShare"));
        assertEquals(0, pair.responder.gateway.halfOpenCount(), "no state left");
        pair.scheduler.advance(Duration.ofSeconds(1));
        sources.get(0).deliver(pair, withSpi(request, 0x999));
        assertEquals(11, sources.get(0).answered(NotifyType.NO_PROPOSAL_CHOSEN), "the bucket refills with time");
    }
}
