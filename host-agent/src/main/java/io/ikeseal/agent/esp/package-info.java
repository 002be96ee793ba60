/**
 * ESP (RFC 4303) in userspace: one {@link io.ikeseal.agent.esp.EspSealer} and one
 * {@link io.ikeseal.agent.esp.EspOpener} per CHILD_SA, made by {@link io.ikeseal.agent.esp.EspTransforms}; the
 * anti-replay window and the drop reasons. A library: no sockets, no TUN, no IKE.
 */
package io.ikeseal.agent.esp;
