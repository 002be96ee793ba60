package io.ikeseal.demo;

import java.util.List;

import io.ikeseal.agent.cli.CliContext;
import io.ikeseal.agent.cli.CliExtension;

/**
 * Adds {@code ikeseal demo} and {@code ikeseal setup-demo} when this module is on the class path. They provision
 * software tokens with test-hsm's fixtures, which the daemon's own runtime must not carry.
 */
public final class DemoCliExtension implements CliExtension {
    @Override
    public List<Object> commands(CliContext ctx) {
        return List.of(new DemoCommand(ctx), new SetupDemoCommand(ctx));
    }

    @Override
    public List<String> footer() {
        return List.of(
                "",
                "Start with: ikeseal demo (creates .ikeseal/demo, then runs a gateway and a branch office "
                        + "on loopback)");
    }
}
