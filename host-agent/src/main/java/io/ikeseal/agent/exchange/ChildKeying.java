package io.ikeseal.agent.exchange;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.KeyShare;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.Secret;

/**
 * What a CHILD_SA's KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) is made from (RFC 7296 §2.17): the IKE SA's PRF and
 * SK_d, and the nonces of the exchange that creates it (IKE_AUTH: those of IKE_SA_INIT; CREATE_CHILD_SA: its own),
 * with a key share and the peer's KE for PFS, or none.
 */
record ChildKeying(Prf prf, Secret skD, byte[] ni, byte[] nr, KeyShare pfsShare, byte[] peerKe, AuditContext ctx) {

    /** IKE_AUTH's CHILD_SA: no PFS, the IKE SA's nonces. */
    static ChildKeying of(IkeSa sa) {
        IkeSaInitResult init = sa.init();
        return new ChildKeying(
                init.suite().prf(), sa.keys().skD(), init.ni(), init.nr(), null, null, sa.auditContext());
    }
}
