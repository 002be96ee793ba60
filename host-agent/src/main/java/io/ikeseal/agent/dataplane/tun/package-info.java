/**
 * The TUN device through the Foreign Function &amp; Memory API ({@code open}, {@code ioctl(TUNSETIFF)}, {@code read},
 * {@code write}), and its address, MTU and routes through iproute2.
 */
package io.ikeseal.agent.dataplane.tun;
