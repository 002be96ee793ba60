package io.ikeseal.agent.exchange;

import java.util.concurrent.Executor;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.transport.IkeSpiTable;
import io.ikeseal.hsm.api.IkeCrypto;
import io.ikeseal.hsm.api.ResidencyTier;

/**
 * What every IKE SA of a gateway shares: the pool its serial executor runs on, timers, settings, where results go,
 * the SPI table, the live SAs, the token's tier (for events), each peer's reassembly budget (RFC 7383 §2.6) and the table of
 * responder tasks; and what tasks that start further exchanges are made with: the key-exchange token, random
 * values, CHILD_SA negotiation and credentials.
 */
record SaShared(
        Executor workers,
        Scheduler scheduler,
        ExchangeSettings settings,
        SaOutputs outputs,
        IkeSpiTable spis,
        LiveIkeSas live,
        ResidencyTier tier,
        PeerReassemblyBudgets budgets,
        ResponderTable responders,
        IkeCrypto crypto,
        IkeRandom random,
        ChildSaNegotiation negotiation,
        ConnectionSet connections) {

    /** The credentials of the configuration in force now (a reload may have replaced them). */
    Credentials credentials() {
        return connections.credentials();
    }
}
