/**
 * The IKEv2 exchanges (RFC 7296 §1) as a task machine, one serial executor per IKE SA.
 *
 * <ul>
 *   <li>{@link io.ikeseal.agent.exchange.IkeSa} owns an SA's state (SPIs, {@code IkeSaState}, path, what
 *       IKE_SA_INIT and IKE_AUTH settled, keys, CHILD_SAs, timers, close); only its methods change it.</li>
 *   <li>{@link io.ikeseal.agent.exchange.TaskManager} owns the message traffic: the queue of our tasks, the
 *       {@link io.ikeseal.agent.exchange.MessageWindow} (message IDs, window size, retransmission, §2.1-§2.3), the
 *       {@link io.ikeseal.agent.exchange.ResponseCache} for the peer's retransmissions, and dispatch of received
 *       requests through the {@link io.ikeseal.agent.exchange.ResponderTable} (exchange type and state → task).</li>
 *   <li>One class per exchange and role: {@link io.ikeseal.agent.exchange.InitiatorTask}s build a request and take
 *       its response ({@code IkeSaInitInitiator}, {@code IkeAuthInitiator}, {@code IkeSaDeleteInitiator},
 *       {@code ChildSaDeleteInitiator}, {@code LivenessCheckInitiator}); {@link
 *       io.ikeseal.agent.exchange.ResponderTask}s answer one request ({@code IkeSaInitResponder},
 *       {@code IkeAuthResponder}, {@code InformationalResponder}, {@code CreateChildSaResponder}).</li>
 *   <li>{@link io.ikeseal.agent.exchange.ChildSaNegotiation} creates a CHILD_SA for any exchange that carries one,
 *       with the nonces and PFS share it is given ({@link io.ikeseal.agent.exchange.ChildKeying}).</li>
 *   <li>{@link io.ikeseal.agent.exchange.IkeGateway} puts it together: it hands each task exactly its collaborators
 *       (the token port {@code IkeCrypto}, {@link io.ikeseal.agent.exchange.Credentials},
 *       {@link io.ikeseal.agent.exchange.SaOutputs}, {@link io.ikeseal.agent.exchange.Scheduler},
 *       {@link io.ikeseal.agent.exchange.IkeRandom}).</li>
 * </ul>
 *
 * To add an exchange: write its initiator task (queue it with {@code TaskManager.queue}) and its responder task,
 * and add one {@code ResponderTable.on(type, factory, states...)} line in {@code IkeGateway}.
 */
package io.ikeseal.agent.exchange;
