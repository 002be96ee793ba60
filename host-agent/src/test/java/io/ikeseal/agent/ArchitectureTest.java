package io.ikeseal.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.KeyStore;
import java.security.Provider;
import java.util.Set;
import java.util.function.Function;

import javax.crypto.SecretKey;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenLogin;

/**
 * host-agent's layers, checked on its main classes: the codec (wire) knows no token layer; wire, protect, ts and
 * proposal are libraries that know nothing of the UDP transport, the exchanges, the daemon or the CLI; the transport
 * knows no exchange; and no IKE code reaches a token's raw JCA objects or a sealed key's handle, or opens a token
 * without its start-up self-tests. Rules that only the exchange engine rewrite makes true are kept apart, in
 * ExchangeArchitectureTest.
 */
@AnalyzeClasses(packages = "io.ikeseal.agent", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule wireKnowsNoTokenLayer = noClasses()
            .that()
            .resideInAPackage("io.ikeseal.agent.wire..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.ikeseal.hsm..")
            .because("the wire codec parses untrusted octets into plain numbers and records (RFC 7296 §3); mapping "
                    + "numbers to DH groups, PRFs or auth methods is the job of proposal, auth and exchange");

    @ArchTest
    static final ArchRule librariesKnowNoDaemon = noClasses()
            .that()
            .resideInAnyPackage(
                    "io.ikeseal.agent.wire..",
                    "io.ikeseal.agent.protect..",
                    "io.ikeseal.agent.ts..",
                    "io.ikeseal.agent.proposal..",
                    "io.ikeseal.agent.esp..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.ikeseal.agent.dataplane..",
                    "io.ikeseal.agent.transport..",
                    "io.ikeseal.agent.exchange..",
                    "io.ikeseal.agent.daemon..",
                    "io.ikeseal.agent.cli..")
            .because("the codec, message protection, traffic selectors, proposal selection and ESP are libraries the "
                    + "exchanges and the data plane use; each must be testable and fuzzable without sockets, "
                    + "sessions or a daemon");

    @ArchTest
    static final ArchRule dataPlaneKnowsNoExchange = noClasses()
            .that()
            .resideInAPackage("io.ikeseal.agent.dataplane..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.ikeseal.agent.exchange..", "io.ikeseal.agent.daemon..", "io.ikeseal.agent.cli..")
            .because("the data plane gets CHILD_SAs through the ChildSaInstaller port and ESP through the "
                    + "transport's EspSink/EspOutput; it carries packets and never drives IKE");

    @ArchTest
    static final ArchRule transportKnowsNoExchange = noClasses()
            .that()
            .resideInAPackage("io.ikeseal.agent.transport..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.ikeseal.agent.exchange..")
            .because("the transport delivers datagrams to a handler the daemon wires in; it does not drive exchanges");

    @ArchTest
    static final ArchRule protocolReachesTokensThroughThePort = noClasses()
            .that()
            .resideInAnyPackage(
                    "io.ikeseal.agent.wire..",
                    "io.ikeseal.agent.protect..",
                    "io.ikeseal.agent.ts..",
                    "io.ikeseal.agent.proposal..",
                    "io.ikeseal.agent.transport..",
                    "io.ikeseal.agent.sa..",
                    "io.ikeseal.agent.auth..",
                    "io.ikeseal.agent.exchange..",
                    "io.ikeseal.agent.esp..",
                    "io.ikeseal.agent.dataplane..",
                    "io.ikeseal.agent.wireshark..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.ikeseal.hsm.token..",
                    "io.ikeseal.hsm.kx..",
                    "io.ikeseal.hsm.schedule..",
                    "io.ikeseal.hsm.psk..",
                    "io.ikeseal.hsm.startup..",
                    "io.ikeseal.hsm.port..")
            .because("the protocol layer asks its key-exchange token for work only through the narrow port "
                    + "(hsm.api's IkeCrypto, and sign's AuthSigner for AUTH signatures), whose handles cannot be "
                    + "read; only the daemon, the configuration and the CLI build the token-backed implementations");

    @ArchTest
    static final ArchRule hostKeyOctetsOnlyWhereKeysAreUsed = noClasses()
            .that()
            .resideInAPackage("io.ikeseal.agent..")
            .and()
            .resideOutsideOfPackages(
                    "io.ikeseal.agent.protect..",
                    "io.ikeseal.agent.esp..",
                    "io.ikeseal.agent.auth..",
                    "io.ikeseal.agent.exchange..",
                    "io.ikeseal.agent.wireshark..")
            .should()
            .callMethod(HostKey.class, "bytes")
            .because("a host key's octets are read only to key a cipher or MAC (protect, esp, auth), to split KEYMAT "
                    + "(exchange), or into the opt-in Wireshark tables (wireshark's TableRow): nothing else may copy "
                    + "them into a log line, a String or a file");

    /** What hands out a token's raw JCA objects or a sealed key's handle: hsm-provider's business only. */
    static final DescribedPredicate<JavaAccess<?>> TOKEN_INTERNALS = DescribedPredicate.describe(
            "SealedKey.key(), Token.provider() or Token.keyStore()",
            a -> isMethod(a, SealedKey.class, "key")
                    || isMethod(a, Token.class, "provider")
                    || isMethod(a, Token.class, "keyStore"));

    @ArchTest
    static final ArchRule noTokenInternals = noClasses()
            .that()
            .resideInAPackage("io.ikeseal.agent..")
            .should()
            .accessTargetWhere(TOKEN_INTERNALS)
            .because("secrets stay behind the token layer's operations: with the provider, the KeyStore or a key "
                    + "handle, IKE code could run token calls outside the audited executor or try to export keys");

    @ArchTest
    static final ArchRule tokensOpenWithSelfTests = noClasses()
            .that()
            .resideInAPackage("io.ikeseal.agent..")
            .should()
            .dependOnClassesThat()
            .areAssignableTo(TokenLogin.class)
            .because("host-agent opens tokens with hsm.startup's TokenStartup.open, which self-tests the key-exchange "
                    + "role before the token is used; TokenLogin alone would skip those tests and expose the provider");

    private static boolean isMethod(JavaAccess<?> access, Class<?> owner, String name) {
        return access.getTargetOwner().isEquivalentTo(owner)
                && access.getTarget().getName().equals(name);
    }

    /** The rule sees calls and method references alike (a rule that matched nothing would pass forever). */
    @Test
    void tokenInternalsRuleSeesCallsAndMethodReferences() {
        EvaluationResult result = noTokenInternals.evaluate(new ClassFileImporter().importClasses(Peeker.class));
        assertEquals(
                4,
                result.getFailureReport().getDetails().size(),
                result.getFailureReport().toString());
    }

    /** Does what IKE code must not; only {@link #tokenInternalsRuleSeesCallsAndMethodReferences} looks at it. */
    static final class Peeker {
        static Set<Object> peek(Token token, SealedKey key) {
            Provider provider = token.provider();
            KeyStore keyStore = token.keyStore();
            SecretKey handle = key.key();
            Function<Token, Provider> reference = Token::provider;
            return Set.of(provider, keyStore, handle, reference);
        }
    }
}
