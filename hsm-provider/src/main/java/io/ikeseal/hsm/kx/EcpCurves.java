package io.ikeseal.hsm.kx;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.EnumMap;
import java.util.Map;

import io.ikeseal.hsm.api.DhGroup;

/** Domain parameters of the ECP groups 19-21 (RFC 5903 §3), as the JDK's SunEC provider defines the curves. */
final class EcpCurves {
    private static final Map<DhGroup, ECParameterSpec> PARAMS = new EnumMap<>(DhGroup.class);

    static {
        for (DhGroup g : DhGroup.values()) {
            if (g.kind() == DhGroup.Kind.ECP) {
                try {
                    AlgorithmParameters ap = AlgorithmParameters.getInstance("EC", "SunEC");
                    ap.init(new ECGenParameterSpec(g.curve()));
                    PARAMS.put(g, ap.getParameterSpec(ECParameterSpec.class));
                } catch (GeneralSecurityException e) {
                    throw new ExceptionInInitializerError("SunEC lacks curve " + g.curve() + ": " + e);
                }
            }
        }
    }

    private EcpCurves() {}

    static ECParameterSpec parameters(DhGroup group) {
        ECParameterSpec p = PARAMS.get(group);
        if (p == null) {
            throw new IllegalArgumentException(group.proposalName() + " is not an ECP group");
        }
        return p;
    }

    static java.math.BigInteger fieldPrime(DhGroup group) {
        return ((ECFieldFp) parameters(group).getCurve().getField()).getP();
    }
}
