package io.ikeseal.hsm;

import java.util.Map;
import java.util.Set;

import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditSink;
import io.ikeseal.hsm.startup.TokenStartup;
import io.ikeseal.hsm.token.PinSource;
import io.ikeseal.hsm.token.Pkcs11Module;
import io.ikeseal.hsm.token.SlotSelector;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.hsm.token.TokenSpec;
import io.ikeseal.testhsm.NssToken;
import io.ikeseal.testhsm.SoftHsmToken;

/** Opens test-hsm fixtures through the production path (TokenStartup.open), as a configured token would be. */
public final class TestTokens {
    private TestTokens() {}

    public static MemoryAuditSink memoryAudit() {
        return new MemoryAuditSink();
    }

    /** A token described by a spec, e.g. in a child JVM that has no fixture object (HeapSealingTest). */
    public static Token open(TokenSpec spec, AuditSink audit) {
        return TokenStartup.open(spec, audit);
    }

    public static TokenSpec nssSpec(NssToken t, ResidencyTier tier, TokenRole... roles) {
        // The fixture has initialized the module already; its key-storage slot is the second one listed.
        long slot = Pkcs11Module.load(t.library(), t.nssArgs())
                .slots()
                .get(NssToken.KEY_STORAGE_SLOT_INDEX)
                .slotId();
        return new TokenSpec(
                "nss-" + t.name(),
                t.library(),
                SlotSelector.bySlotId(slot),
                PinSource.file(t.pinFile()),
                t.nssArgs(),
                t.environment(),
                Set.of(roles),
                tier,
                2);
    }

    public static Token nss(NssToken t, AuditSink audit, ResidencyTier tier, TokenRole... roles) {
        return TokenStartup.open(nssSpec(t, tier, roles), audit);
    }

    public static TokenSpec softHsmSpec(SoftHsmToken t, ResidencyTier tier, TokenRole... roles) {
        return new TokenSpec(
                "softhsm-" + t.label(),
                t.library(),
                SlotSelector.byLabel(t.label()),
                PinSource.file(t.pinFile()),
                null,
                Map.of(),
                Set.of(roles),
                tier,
                2);
    }

    public static Token softHsm(SoftHsmToken t, AuditSink audit, ResidencyTier tier, TokenRole... roles) {
        return TokenStartup.open(softHsmSpec(t, tier, roles), audit);
    }
}
