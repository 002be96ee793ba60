/**
 * The IKEv2 exchanges (RFC 7296 §1) as a task machine, one serial executor per IKE SA.
 *
 * <ul>
 *   <li>{@link io.ikeseal.agent.exchange.IkeSa} is one SA: SPIs, path, connection and what IKE_SA_INIT settled,
 *       with parts that each own their state: {@link io.ikeseal.agent.exchange.IkeSaLifecycle} the explicit
 *       {@code IkeSaState} and its transitions, timers ({@link io.ikeseal.agent.exchange.SaTimers}), outcome and
 *       teardown; {@link io.ikeseal.agent.exchange.IkeSaProtection} the keys and SK protection;
 *       {@link io.ikeseal.agent.exchange.SaAuthentication} who authenticated how;
 *       {@link io.ikeseal.agent.exchange.ChildSaTable} the CHILD_SAs. No class writes another's fields.</li>
 *   <li>{@link io.ikeseal.agent.exchange.TaskManager} owns the message traffic: the queue of our tasks, the
 *       {@link io.ikeseal.agent.exchange.MessageWindow} (message IDs, window size, retransmission, §2.1-§2.3), the
 *       {@link io.ikeseal.agent.exchange.ResponseCache} for the peer's retransmissions, and dispatch of received
 *       requests through the {@link io.ikeseal.agent.exchange.ResponderTable} (exchange type and state → task).</li>
 *   <li>One class per exchange and role: {@link io.ikeseal.agent.exchange.InitiatorTask}s build a request and take
 *       its response ({@code IkeSaInitInitiator}, {@code IkeAuthInitiator}, {@code IkeSaDeleteInitiator},
 *       {@code ChildSaDeleteInitiator}, {@code LivenessCheckInitiator}, {@code ChildSaCreateInitiator}); {@link
 *       io.ikeseal.agent.exchange.ResponderTask}s answer one request ({@code IkeSaInitResponder},
 *       {@code IkeAuthResponder}, {@code InformationalResponder}, {@code CreateChildSaResponder}).</li>
 *   <li>{@link io.ikeseal.agent.exchange.ChildSaNegotiation} negotiates a CHILD_SA for any exchange that carries
 *       one (proposal, traffic selectors, mode); {@link io.ikeseal.agent.exchange.ChildSaSetup} derives its KEYMAT
 *       with the nonces and PFS share it is given ({@link io.ikeseal.agent.exchange.ChildKeying}) and installs it;
 *       an agreed CHILD_SA, the responder's and the initiator's alike, waits with its KEYMAT as a
 *       {@link io.ikeseal.agent.exchange.PendingChildSa} until the IKE SA is established on our side (its keys are
 *       destroyed if the SA ends first), and every installation is matched by a {@code childSaDeleted} event.</li>
 *   <li>CREATE_CHILD_SA (§1.3): {@link io.ikeseal.agent.exchange.CreateChildSaResponder} dispatches by form.
 *       {@link io.ikeseal.agent.exchange.ChildSaCreateInitiator} / {@code ChildSaCreateResponder} make a further
 *       CHILD_SA (SA, Ni, [KE], TSi, TSr; PFS when the ESP proposal names a group; INVALID_KE_PAYLOAD retried once,
 *       TEMPORARY_FAILURE after a random delay; NO_ADDITIONAL_SAS only at the configured limit);
 *       {@link io.ikeseal.agent.exchange.ChildSaRekeyInitiator} / {@code ChildSaRekeyResponder} rekey one with
 *       N(REKEY_SA), make before break (successor installed and announced, then the old one deleted by the rekey's
 *       initiator), simultaneous rekeys settled by the lowest nonce (§2.8.1). Each
 *       {@link io.ikeseal.agent.exchange.ChildSa} of the table has a state (INSTALLED, REKEYING, REKEYED,
 *       DELETING) and its rekey (rekey-time less a random part of rand-time) and hard-expiry timers;
 *       {@code ChildSaTable.moveTo} hands them to the IKE SA that replaces theirs (§2.18).</li>
 *   <li>{@link io.ikeseal.agent.exchange.ResponderSessions} admits new IKE SAs before any token work (RFC 7296
 *       §2.6, RFC 8019 §4): IKE_SA_INIT with a message ID other than 0 or over 8 KiB is dropped;
 *       {@link io.ikeseal.agent.exchange.HalfOpenCounts} drops or asks for a COOKIE
 *       ({@link io.ikeseal.agent.exchange.Cookies}) by the half-open SAs of the source, its /24 or /64 and all;
 *       {@link io.ikeseal.agent.exchange.Refusals} bounds the error answers and their log lines. Addresses a peer
 *       authenticated from within the hour ({@link io.ikeseal.agent.exchange.ProvenPeers}) keep a reserve of
 *       half-open SAs, work slots and answers that a flood from unknown addresses cannot take. A refusal leaves no
 *       state and is counted by reason in {@code DropCounters}. A responder SA's IKE_SA_INIT token work asks for the
 *       token's LOW queue ({@code IkeSa.auditContext}), all later work and our own SAs' for HIGH; each SA's
 *       {@link io.ikeseal.agent.exchange.SerialExecutor} holds a bounded number of received datagrams.</li>
 *   <li>{@link io.ikeseal.agent.exchange.IkeGateway} puts it together: it hands each task exactly its collaborators
 *       (the token port {@code IkeCrypto}, {@link io.ikeseal.agent.exchange.Credentials},
 *       {@link io.ikeseal.agent.exchange.SaOutputs}, {@link io.ikeseal.agent.exchange.Scheduler},
 *       {@link io.ikeseal.agent.exchange.IkeRandom}). Per-peer state is bounded and expires with the peer's SAs,
 *       e.g. {@link io.ikeseal.agent.exchange.PeerReassemblyBudgets}.</li>
 *   <li>Liveness (issue 10): {@link io.ikeseal.agent.exchange.DeadPeerDetection} checks a silent peer (§2.4) and
 *       ends its SA without Delete when it does not answer; {@link io.ikeseal.agent.exchange.NatKeepalive} keeps a
 *       NAT's mapping (RFC 3948 §2.3); {@link io.ikeseal.agent.exchange.InitialContact} sends and honours
 *       N(INITIAL_CONTACT) by identity pair ({@link io.ikeseal.agent.exchange.LiveIkeSas}). Why an SA ended
 *       ({@code IkeSaEnd}) reaches {@link io.ikeseal.agent.exchange.IkeGateway#onIkeSaEnd} listeners.</li>
 *   <li>IKE SA rekey (RFC 7296 §2.18): {@link io.ikeseal.agent.exchange.IkeSaRekeyInitiator} and
 *       {@link io.ikeseal.agent.exchange.IkeSaRekeyResponder} key a new IkeSa ({@link
 *       io.ikeseal.agent.exchange.RekeyedIkeSa}: the rekey's initiator is its original initiator, message IDs from 0)
 *       from the old SK_d in the token; {@link io.ikeseal.agent.exchange.IkeSaRekeys} moves the CHILD_SAs to the
 *       survivor (§2.8.2: the lowest nonce's SA goes), puts the old SA in REKEYED (INFORMATIONAL only,
 *       CREATE_CHILD_SA gets TEMPORARY_FAILURE) and has it deleted by the surviving exchange's initiator.
 *       {@link io.ikeseal.agent.exchange.Reauthentication} (§2.8.3) makes a new SA by IKE_SA_INIT and IKE_AUTH
 *       before deleting the old one; {@link io.ikeseal.agent.exchange.IkeSaRenewal} does one or the other at the
 *       jittered renewal time, and the hard limit deletes an SA never renewed.</li>
 * </ul>
 *
 * To add an exchange: write its initiator task (queue it with {@code TaskManager.queue}) and its responder task,
 * and add one {@code ResponderTable.on(type, factory, states...)} line in {@code IkeGateway}.
 */
package io.ikeseal.agent.exchange;
