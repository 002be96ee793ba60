package io.ikeseal.agent.cli;

import java.util.List;

/**
 * Subcommands that another module adds to {@code ikeseal}, found with {@link java.util.ServiceLoader} on the class
 * path (a {@code META-INF/services/io.ikeseal.agent.cli.CliExtension} entry). The daemon itself compiles against
 * none of them: the demo's provisioning ({@code setup-demo}, {@code demo}) lives in the demo module with the test
 * fixtures it uses, and only the launcher's demo verbs put it on the class path.
 */
public interface CliExtension {
    /** Picocli {@code @Command} objects built for {@code ctx}, in the order {@code ikeseal --help} lists them. */
    List<Object> commands(CliContext ctx);

    /** Lines appended to the footer of {@code ikeseal --help}. */
    default List<String> footer() {
        return List.of();
    }
}
