package io.ikeseal.agent.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditVerifier;
import io.ikeseal.hsm.audit.HashChainedAuditLog;
import io.ikeseal.hsm.startup.TokenStartup;
import io.ikeseal.hsm.token.PinSource;
import io.ikeseal.hsm.token.Pkcs11Module;
import io.ikeseal.hsm.token.SlotSelector;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.hsm.token.TokenSpec;
import io.ikeseal.testhsm.NssToken;
import io.ikeseal.testhsm.junit.NssExtension;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * What a gateway's authentication runs on, per test class: SoftHSM identity tokens ("smartcards", each over a
 * test-hsm fixture) and/or an NSS key-exchange token (sealed, holding PSKs), opened through {@link TokenStartup#open} as
 * configured tokens are, all auditing into one real {@link HashChainedAuditLog}, the file tests read records back
 * from. Register only this extension (as a static field); it starts and stops the fixtures around the tokens.
 */
final class AuthFixture implements BeforeAllCallback, AfterAllCallback {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<SoftHsmExtension> smartcards;
    private final NssExtension hsmFixture;
    private final List<Token> identityTokens = new ArrayList<>();
    private Path dir;
    private HashChainedAuditLog audit;
    private Token hsm;

    private AuthFixture(List<SoftHsmExtension> smartcards, NssExtension hsmFixture) {
        this.smartcards = List.copyOf(smartcards);
        this.hsmFixture = hsmFixture;
    }

    static AuthFixture smartcards(SoftHsmExtension... cards) {
        return new AuthFixture(List.of(cards), null);
    }

    static AuthFixture hsm(NssExtension nss) {
        return new AuthFixture(List.of(), nss);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("ikeseal-auth-");
        audit = HashChainedAuditLog.open(dir.resolve("audit.log"));
        for (SoftHsmExtension card : smartcards) {
            card.beforeAll(context);
            var t = card.token();
            identityTokens.add(TokenStartup.open(
                    new TokenSpec(
                            "card-" + t.label(),
                            t.library(),
                            SlotSelector.byLabel(t.label()),
                            PinSource.file(t.pinFile()),
                            null,
                            Map.of(),
                            Set.of(TokenRole.IDENTITY),
                            ResidencyTier.SEALED,
                            2),
                    audit));
        }
        if (hsmFixture != null) {
            hsmFixture.beforeAll(context);
            NssToken t = hsmFixture.token();
            long slot = Pkcs11Module.load(t.library(), t.nssArgs())
                    .slots()
                    .get(NssToken.KEY_STORAGE_SLOT_INDEX)
                    .slotId();
            hsm = TokenStartup.open(
                    new TokenSpec(
                            "hsm-" + t.name(),
                            t.library(),
                            SlotSelector.bySlotId(slot),
                            PinSource.file(t.pinFile()),
                            t.nssArgs(),
                            t.environment(),
                            Set.of(TokenRole.KEY_EXCHANGE),
                            ResidencyTier.SEALED,
                            2),
                    audit);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            identityTokens.forEach(Token::close);
            if (hsm != null) {
                hsm.close();
            }
            for (SoftHsmExtension card : smartcards) {
                card.afterAll(context);
            }
            if (hsmFixture != null) {
                hsmFixture.afterAll(context);
            }
        } finally {
            if (audit != null) {
                audit.close();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The identity token over the i-th smartcard fixture. */
    Token smartcard(int i) {
        return identityTokens.get(i);
    }

    Token hsm() {
        return Objects.requireNonNull(hsm, "no key-exchange token in this fixture");
    }

    HashChainedAuditLog audit() {
        return audit;
    }

    /**
     * The log file, once every record queued so far is durable: token and authentication results are released when
     * their record is queued, and reach the file with the next group commit (docs/audit.md).
     */
    Path auditFile() {
        try {
            audit.barrier(null).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("audit records not durable", e);
        }
        return dir.resolve("audit.log");
    }

    /** The durable audit lines of {@code operation} for the SA of {@code ctx} (matched by SPIi), in log order. */
    List<JsonNode> audited(String operation, AuditContext ctx) {
        List<JsonNode> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(auditFile())) {
                JsonNode n = JSON.readTree(line);
                if (n.get("op").asText().equals(operation)
                        && n.get("spiI").asText().equals(ctx.ikeSpiI())) {
                    out.add(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The whole log as text, to assert what it never contains. */
    String auditText() {
        try {
            return Files.readString(auditFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    AuditVerifier.Result verifyChain() {
        return AuditVerifier.verify(auditFile());
    }
}
