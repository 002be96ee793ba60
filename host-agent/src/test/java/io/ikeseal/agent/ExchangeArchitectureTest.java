package io.ikeseal.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The rules the exchange engine rewrite makes true: no package cycles in host-agent (exchange and config refer to
 * each other through ExchangeSettings today), no class changing another class's fields, and exchange classes
 * small enough to read in one sitting.
 */
@AnalyzeClasses(packages = "io.ikeseal.agent", importOptions = ImportOption.DoNotIncludeTests.class)
class ExchangeArchitectureTest {
    static final int MAX_EXCHANGE_LINES = 300;

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.ikeseal.agent.(*)..")
            .should()
            .beFreeOfCycles()
            .because("a cycle makes two packages one: config must describe exchanges without knowing the classes "
                    + "that run them");

    /** A SET access whose code lives in another top-level class than the field (nested classes count as theirs). */
    static final DescribedPredicate<JavaFieldAccess> FIELD_OF_ANOTHER_CLASS = DescribedPredicate.describe(
            "a field of another class", a -> !topLevel(a.getOriginOwner()).equals(topLevel(declaringClass(a))));

    @ArchTest
    static final ArchRule noForeignFieldWrites = noClasses()
            .that()
            .resideInAPackage("io.ikeseal.agent..")
            .should()
            .setFieldWhere(FIELD_OF_ANOTHER_CLASS)
            .because("state changes go through the owner's methods, so each state machine (RFC 7296 §2) keeps its "
                    + "invariants in one place and can be tested alone");

    /** Source lines, not bytecode: what a reader of exchange/ and its subpackages has to take in. */
    @Test
    void exchangeClassesStaySmall() throws IOException {
        // Surefire sets basedir to the module directory; the working directory may be elsewhere (the fuzz execution).
        Path exchange = Path.of(System.getProperty("basedir", "."), "src/main/java/io/ikeseal/agent/exchange");
        List<String> tooLong;
        try (Stream<Path> files = Files.walk(exchange)) {
            tooLong = files.filter(p -> p.toString().endsWith(".java"))
                    .sorted()
                    .filter(p -> lines(p) > MAX_EXCHANGE_LINES)
                    .map(p -> exchange.relativize(p) + " (" + lines(p) + " lines)")
                    .toList();
        }
        assertEquals(
                List.of(),
                tooLong,
                "exchange classes over " + MAX_EXCHANGE_LINES + " lines: split them by "
                        + "exchange and role, so each can be read against its RFC section");
    }

    private static long lines(Path file) {
        try (Stream<String> l = Files.lines(file)) {
            return l.count();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    private static JavaClass declaringClass(JavaFieldAccess access) {
        return access.getTarget().resolveMember().map(f -> f.getOwner()).orElse(access.getTargetOwner());
    }

    private static JavaClass topLevel(JavaClass c) {
        JavaClass t = c;
        while (t.getEnclosingClass().isPresent()) {
            t = t.getEnclosingClass().get();
        }
        return t;
    }
}
