/**
 * UDP transport for IKEv2 (RFC 7296 §2.11, §2.23; RFC 3948): Netty sockets on the IKE and NAT-T ports of each
 * configured address, the non-ESP marker, dispatch by SPI, and the few answers RFC 7296 sends outside any SA.
 *
 * <p>How the SA layer uses it:
 * <pre>{@code
 * IkeSpiTable spis = new IkeSpiTable();
 * IkeTransport transport = IkeTransport.start(TransportConfig.of(addresses), spis,
 *         (request, replies) -> responderExecutor.execute(() -> newResponderSa(request, replies)));
 *
 * // A responder SA picks its SPI, registers, then answers IKE_SA_INIT through the sender it was given:
 * while (!spis.register(spiR = random.nextLong(), sa)) { }
 * replies.send(initResponse);
 *
 * // An initiator registers SPIi before its first request, and sends from the socket of its choice:
 * spis.register(spiI, sa);
 * IkeSender toPeer = transport.socket(localAddress, false).orElseThrow().sender(peer);
 * toPeer.send(initRequest);   // later, after NAT detection: the NAT-T socket's sender (§2.23)
 *
 * // sa.receive(datagram, replies) runs on an event loop: queue the work on the SA's executor.
 * // On deletion: spis.unregister(ourSpi, sa).
 * }</pre>
 * Each datagram travels with its sender and recipient ({@link io.ikeseal.agent.transport.IkeDatagram}); what
 * reaches no SA is a counted drop ({@link io.ikeseal.agent.transport.DropCounters}).
 */
package io.ikeseal.agent.transport;
