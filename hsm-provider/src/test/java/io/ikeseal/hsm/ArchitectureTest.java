package io.ikeseal.hsm;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * hsm-provider's one-way layers, checked on its main classes: the vocabulary (api) and the audit log at the bottom,
 * token above them, the operations on a token (kx, schedule, psk, sign) above token, and startup, which opens
 * tokens and self-tests them, on top.
 */
@AnalyzeClasses(packages = "io.ikeseal.hsm", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.ikeseal.hsm.(*)..")
            .should()
            .beFreeOfCycles()
            .because("a cycle makes two packages one: neither can be understood, tested or replaced alone");

    @ArchTest
    static final ArchRule apiIsALeaf = noClasses()
            .that()
            .resideInAPackage("io.ikeseal.hsm.api..")
            .should()
            .dependOnClassesThat(resideInAPackage("io.ikeseal..").and(not(resideInAPackage("io.ikeseal.hsm.api.."))))
            .because("hsm.api is the vocabulary host-agent and every hsm package share; "
                    + "if it depended on any of them, using it would pull that package in");

    @ArchTest
    static final ArchRule utilIsALeaf = noClasses()
            .that()
            .resideInAPackage("io.ikeseal.hsm.util..")
            .should()
            .dependOnClassesThat(resideInAPackage("io.ikeseal..").and(not(resideInAPackage("io.ikeseal.hsm.util.."))))
            .because("hsm.util holds plain data structures (a bounded LRU map) that host-agent and every hsm package "
                    + "may use; knowing tokens or IKE would drag them into every user");

    @ArchTest
    static final ArchRule knowsNothingOfIkeOrFixtures = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.ikeseal.agent..", "io.ikeseal.testhsm..")
            .because("the token layer knows tokens, not IKE (host-agent), and its product code must not need the "
                    + "throw-away tokens of test-hsm");

    @ArchTest
    static final ArchRule layers = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("api")
            .definedBy("io.ikeseal.hsm.api..")
            .layer("audit")
            .definedBy("io.ikeseal.hsm.audit..")
            .layer("token")
            .definedBy("io.ikeseal.hsm.token..")
            .layer("operations")
            .definedBy(
                    "io.ikeseal.hsm.kx..", "io.ikeseal.hsm.schedule..", "io.ikeseal.hsm.psk..", "io.ikeseal.hsm.sign..")
            .layer("startup")
            .definedBy("io.ikeseal.hsm.startup..")
            .layer("port")
            .definedBy("io.ikeseal.hsm.port..")
            .whereLayer("startup")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("port")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("operations")
            .mayOnlyBeAccessedByLayers("startup", "port")
            .whereLayer("token")
            .mayOnlyBeAccessedByLayers("operations", "startup", "port")
            .whereLayer("audit")
            .mayOnlyBeAccessedByLayers("token", "operations", "startup", "port")
            .because("token must not reach up into the operations built on it (their start-up self-tests are run "
                    + "by hsm.startup, which opens tokens), the operations must not know the protocol's port that "
                    + "is built on them (hsm.port), and the audit log must not reach into what it records");
}
