/**
 * The userspace data plane (docs/data-plane.md): installed CHILD_SAs become ESP sealers and openers; the SPD maps
 * packets from the TUN device to an SA by traffic selectors, and checks what an SA delivers against its selectors;
 * ESP travels in UDP on the NAT-T socket (RFC 3948).
 */
package io.ikeseal.agent.dataplane;
