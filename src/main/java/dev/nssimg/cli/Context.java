package dev.nssimg.cli;

import dev.nssimg.buildx.ProcessLauncher;
import dev.nssimg.engine.Engine;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * What a command may touch, injected so tests run exactly what users run:
 * environment, working directory, output streams, the process launcher (the
 * only way to start docker) and the engine factory (the only way to reach
 * docker-java, created on first use so that paths without an engine never
 * pay for it).
 */
public record Context(Map<String, String> env, Path cwd, PrintWriter out, PrintWriter err,
        ProcessLauncher launcher, Function<Context, Engine> engines) {

    public static Context system() {
        return new Context(System.getenv(), Path.of("").toAbsolutePath(),
                new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
                ProcessLauncher.system(), Engines.connecting());
    }

    public Engine engine() {
        return engines.apply(this);
    }
}
