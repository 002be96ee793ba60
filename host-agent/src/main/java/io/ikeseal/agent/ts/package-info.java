/**
 * Traffic selectors and their negotiation (RFC 7296 §2.9, §3.13).
 *
 * <p>Configuration: {@link io.ikeseal.agent.ts.ConfiguredSelector#parseList} reads what a user writes
 * ({@code 10.1.0.0/16, dynamic[udp/53]}); a {@link io.ikeseal.agent.ts.SelectorSyntaxException} message quotes the
 * text and says what is wrong, for the config layer to prefix with file and key. Once an IKE SA's addresses are
 * known, {@link io.ikeseal.agent.ts.TsPolicy#resolve} turns a CHILD_SA's remote and local selectors into a policy.
 *
 * <p>Initiator: propose {@code policy.proposal()} (TSi = local, TSr = remote), with
 * {@link io.ikeseal.agent.ts.TsPair#withFirst} for a packet-triggered request; check the answer with
 * {@link io.ikeseal.agent.ts.InitiatorCheck#check(TsPair, io.ikeseal.agent.wire.TrafficSelectorPayload,
 * io.ikeseal.agent.wire.TrafficSelectorPayload)}: {@code Accepted} gives the selectors to install, {@code Rejected}
 * means delete the CHILD_SA.
 *
 * <p>Responder: {@link io.ikeseal.agent.ts.Narrowing#respond(io.ikeseal.agent.wire.TrafficSelectorPayload,
 * io.ikeseal.agent.wire.TrafficSelectorPayload, java.util.List)} with the configured CHILD_SAs' policies gives
 * {@code Accepted} (which policy, the TSi/TSr to send, whether ADDITIONAL_TS_POSSIBLE applies) or
 * {@code Unacceptable} (send TS_UNACCEPTABLE).
 */
package io.ikeseal.agent.ts;
