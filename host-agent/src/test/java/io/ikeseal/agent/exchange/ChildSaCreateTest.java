package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.established;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static io.ikeseal.agent.exchange.ExchangePair.child;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.ChildLifetimes;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.SaLimits;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;

/** Further CHILD_SAs on an established IKE SA: CREATE_CHILD_SA (RFC 7296 §1.3.1) both ways, with and without PFS. */
class ChildSaCreateTest {
    private static final List<io.ikeseal.agent.config.ChildConfig> TWO = List.of(
            child("net", "aes256gcm16", ChildLifetimes.DEFAULT), child("voice", "aes256gcm16", ChildLifetimes.DEFAULT));

    @Test
    void theConnectionsFurtherChildrenStartRightAfterIkeAuth() throws Exception {
        ExchangePair pair = new ExchangePair(ExchangeSettings.DEFAULT, TWO, TWO);
        IkeSaInfo info = established(pair);

        ChildSaTests.samePairs(pair, 2);
        assertEquals(
                List.of("net", "voice"),
                pair.initiator.installer.installed().stream()
                        .map(ChildSaRecord::name)
                        .toList());
        assertEquals(List.of("child: net", "established", "child: voice"), pair.initiator.events);
        assertEquals(
                2, ExchangeEngineTest.sa(pair.initiator, info).info().children().size());
        assertTrue(pair.network.log().stream().anyMatch(p -> p.toString().equals("CREATE_CHILD_SA #2 request")));
    }

    @Test
    void eitherEndAddsAChildSaOnDemand() throws Exception {
        ExchangePair pair = new ExchangePair(ExchangeSettings.DEFAULT, TWO, TWO);
        IkeSaInfo info = established(pair);
        long undestroyed = pair.initiator.crypto.undestroyed() + pair.responder.crypto.undestroyed();

        ChildSaRecord a = get(pair.initiator.gateway.initiateChild(info.spiI(), "voice"));
        ChildSaRecord b = get(pair.responder.gateway.initiateChild(info.spiI(), "net"));

        assertEquals("voice", a.name());
        assertEquals("net", b.name());
        ChildSaTests.samePairs(pair, 4);
        assertEquals(undestroyed, pair.initiator.crypto.undestroyed() + pair.responder.crypto.undestroyed());
    }

    @Test
    void withPfsBothEndsUseAFreshKeyShareAndDeriveTheSameKeys() throws Exception {
        var pfs = List.of(child("net", "aes256gcm16-ecp256", ChildLifetimes.DEFAULT));
        ExchangePair pair = new ExchangePair(ExchangeSettings.DEFAULT, pfs, pfs);
        IkeSaInfo info = established(pair);
        int shares = pair.initiator.crypto.calls("generateShare");
        long undestroyed = pair.initiator.crypto.undestroyed() + pair.responder.crypto.undestroyed();

        get(pair.initiator.gateway.initiateChild(info.spiI(), "net"));

        assertEquals(shares + 1, pair.initiator.crypto.calls("generateShare"));
        ChildSaTests.samePairs(pair, 2);
        assertEquals(undestroyed, pair.initiator.crypto.undestroyed() + pair.responder.crypto.undestroyed());
    }

    @Test
    void theResponderNamesItsGroupAndTheInitiatorRetriesOnceWithIt() throws Exception {
        ExchangePair pair = new ExchangePair(
                ExchangeSettings.DEFAULT,
                List.of(child("net", "aes256gcm16-ecp384-ecp256", ChildLifetimes.DEFAULT)),
                List.of(child("net", "aes256gcm16-ecp256", ChildLifetimes.DEFAULT)));
        IkeSaInfo info = established(pair);
        int shares = pair.initiator.crypto.calls("generateShare");
        long undestroyed = pair.initiator.crypto.undestroyed() + pair.responder.crypto.undestroyed();

        get(pair.initiator.gateway.initiateChild(info.spiI(), "net"));

        assertEquals(shares + 2, pair.initiator.crypto.calls("generateShare"), "ECP-384, then ECP-256");
        ChildSaTests.samePairs(pair, 2);
        assertEquals(undestroyed, pair.initiator.crypto.undestroyed() + pair.responder.crypto.undestroyed());
        assertEquals(
                2,
                pair.network.log().stream()
                        .filter(p -> p.toString().startsWith("CREATE_CHILD_SA")
                                && p.toString().endsWith("request"))
                        .count());
    }

    @Test
    void atTheConfiguredLimitTheResponderAnswersNoAdditionalSas() throws Exception {
        ExchangePair pair = new ExchangePair(
                ExchangeSettings.DEFAULT.withLimits(new SaLimits(1, Duration.ofSeconds(20))), TWO, TWO);
        IkeSaInfo info = established(pair);

        CompletableFuture<ChildSaRecord> f = pair.initiator.gateway.initiateChild(info.spiI(), "voice");

        ExecutionException e = assertThrows(ExecutionException.class, () -> get(f));
        assertTrue(
                e.getCause().getMessage().contains("NO_ADDITIONAL_SAS"),
                e.getCause().getMessage());
        ChildSaTests.samePairs(pair, 1);
        assertTrue(pair.initiator.events.stream().anyMatch(s -> s.startsWith("child failed: NO_ADDITIONAL_SAS")));
    }

    /**
     * Found against charon: the responder chose the first child whose selectors accept the request, a broader one
     * without PFS, and refused the PFS child's CREATE_CHILD_SA with NO_PROPOSAL_CHOSEN. Among the children whose
     * selectors fit, one whose ESP proposals fit too is chosen (RFC 7296 §2.9 leaves the choice to the responder).
     */
    @Test
    void theResponderPrefersTheChildWhoseProposalsFitAmongThoseWhoseSelectorsDo() throws Exception {
        var children = List.of(
                child("net", "aes256gcm16", ChildLifetimes.DEFAULT),
                child("voice", "aes256gcm16-ecp256", ChildLifetimes.DEFAULT));
        ExchangePair pair = new ExchangePair(ExchangeSettings.DEFAULT, children, children);

        established(pair); // "voice" follows by CREATE_CHILD_SA, with a KE payload
        ExchangeEngineTest.expect(
                "the responder installed both",
                () -> pair.responder.installer.installed().size() == 2);

        ChildSaTests.samePairs(pair, 2);
        assertEquals(
                List.of("net", "voice"),
                pair.responder.installer.installed().stream()
                        .map(ChildSaRecord::name)
                        .toList());
    }

    @Test
    void anUnknownChildNameIsRefusedWithoutAnExchange() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        int before = pair.network.log().size();
        assertThrows(ExecutionException.class, () -> get(pair.initiator.gateway.initiateChild(info.spiI(), "nope")));
        assertEquals(before, pair.network.log().size());
    }
}
