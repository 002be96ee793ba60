package io.ikeseal.hsm.psk;

/**
 * What {@link PresharedKeys#importPsk} stored.
 *
 * @param name    the PSK's name
 * @param length  its length in octets
 * @param replaced whether an existing PSK of that name was overwritten
 * @param weak    shorter than {@value PresharedKeys#RECOMMENDED_MIN_LENGTH} octets: RFC 7296 §2.15 wants a PSK as
 *                unpredictable as the strongest negotiated key, which a shorter one cannot be; warn, don't refuse
 */
public record PskImport(String name, int length, boolean replaced, boolean weak) {}
