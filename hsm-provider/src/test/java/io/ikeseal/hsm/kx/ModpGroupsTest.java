package io.ikeseal.hsm.kx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.ikeseal.hsm.api.DhGroup;

/** The RFC 3526 primes: recomputed from the RFC's defining formula, safe primes, of the stated length. */
class ModpGroupsTest {

    /** RFC 3526: p = 2^N - 2^(N-64) - 1 + 2^64 * { [2^(N-130) pi] + c }. */
    @ParameterizedTest
    @CsvSource({"MODP_2048, 2048, 124476", "MODP_3072, 3072, 1690314", "MODP_4096, 4096, 240904"})
    void primeMatchesTheRfcFormulaAndIsSafe(DhGroup group, int n, long c) {
        BigInteger p = ModpGroups.prime(group);
        BigInteger floorPi = new BigDecimal(BigInteger.TWO.pow(n - 130))
                .multiply(pi(1400))
                .setScale(0, RoundingMode.FLOOR)
                .toBigIntegerExact();
        BigInteger formula = BigInteger.TWO
                .pow(n)
                .subtract(BigInteger.TWO.pow(n - 64))
                .subtract(BigInteger.ONE)
                .add(BigInteger.TWO.pow(64).multiply(floorPi.add(BigInteger.valueOf(c))));
        assertEquals(formula, p, group + " differs from RFC 3526's formula");
        assertEquals(n, p.bitLength());
        assertEquals(n / 8, group.publicValueLength());
        assertEquals(n / 8, group.sharedSecretLength());
        assertTrue(p.isProbablePrime(40), "p prime");
        assertTrue(p.shiftRight(1).isProbablePrime(40), "(p-1)/2 prime");
        assertEquals(BigInteger.TWO, ModpGroups.parameters(group).getG());
    }

    @Test
    void ecpGroupsHaveNoPrime() {
        assertThrows(IllegalArgumentException.class, () -> ModpGroups.prime(DhGroup.ECP_256));
    }

    /** pi to {@code digits} decimal digits by Machin's formula, pi = 16 atan(1/5) - 4 atan(1/239). */
    static BigDecimal pi(int digits) {
        MathContext mc = new MathContext(digits + 10);
        return atanInverse(5, mc)
                .multiply(BigDecimal.valueOf(16))
                .subtract(atanInverse(239, mc).multiply(BigDecimal.valueOf(4)))
                .round(new MathContext(digits));
    }

    private static BigDecimal atanInverse(int x, MathContext mc) {
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal x2 = BigDecimal.valueOf((long) x * x);
        BigDecimal term = BigDecimal.ONE.divide(BigDecimal.valueOf(x), mc);
        BigDecimal eps = BigDecimal.ONE.movePointLeft(mc.getPrecision());
        for (int k = 0; term.abs().compareTo(eps) > 0; k++) {
            BigDecimal t = term.divide(BigDecimal.valueOf(2L * k + 1), mc);
            sum = (k % 2 == 0) ? sum.add(t) : sum.subtract(t);
            term = term.divide(x2, mc);
        }
        return sum;
    }
}
