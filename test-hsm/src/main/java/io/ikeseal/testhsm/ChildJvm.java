package io.ikeseal.testhsm;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that runs like the test's own: the same {@code java}, the module, native-access and
 * {@code sun.security} flags this JVM was given (SunPKCS11's wrapper and the FFM calls need them), then the caller's
 * options, class path, main class and arguments. Tests that run {@code ikeseal} as a process of its own use it.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** The command, on this JVM's class path. */
    public static List<String> command(List<String> jvmOptions, String mainClass, List<String> args) {
        return command(jvmOptions, System.getProperty("java.class.path"), mainClass, args);
    }

    /** The command, on {@code classPath}. */
    public static List<String> command(List<String> jvmOptions, String classPath, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-")
                        || a.startsWith("--enable-native-access")
                        || a.startsWith("--sun-misc")
                        || a.startsWith("-Dsun.security"))
                .forEach(command::add);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }
}
