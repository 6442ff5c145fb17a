package dev.nssimg.app;

import dev.nssimg.buildx.DockerCli;
import dev.nssimg.buildx.ProcessLauncher;
import dev.nssimg.engine.Engine;
import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.lifecycle.Log;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * What one invocation may touch, handed to every operation so that tests, the
 * plain JVM and the daemon run exactly the same code: the caller's environment
 * and working directory, its output streams (results to out, logs and progress
 * to err), the process launcher (the only way to start docker) and the engine
 * factory (the only way to reach docker-java, created on first use so that
 * paths without an engine never pay for it), its cleanup scope (what Ctrl-C
 * stops and removes) and its debug log.
 */
public record Invocation(Map<String, String> env, Path cwd, PrintWriter out, PrintWriter err,
        ProcessLauncher launcher, Function<Invocation, Engine> engines, Cleanup cleanup, Log log) {

    public Invocation {
        env = Map.copyOf(env);
    }

    /** An invocation with a cleanup scope and a log of its own, its cleanup messages on err. */
    public Invocation(Map<String, String> env, Path cwd, PrintWriter out, PrintWriter err, ProcessLauncher launcher,
            Function<Invocation, Engine> engines) {
        this(env, cwd, out, err, launcher, engines, new Cleanup(err), new Log());
    }

    /** This JVM's own environment, directory and stdio, cleaned up by a shutdown hook (the plain entry point). */
    public static Invocation system(Function<Invocation, Engine> engines) {
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        return new Invocation(System.getenv(), Path.of("").toAbsolutePath(),
                new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true), err,
                ProcessLauncher.system(), engines, Cleanup.forJvm(err), new Log());
    }

    public Engine engine() {
        return engines.apply(this);
    }

    /** Short docker CLI queries with this invocation's environment and directory. */
    DockerCli dockerCli() {
        return new DockerCli(launcher, env, cwd);
    }

    /** A warning on stderr, in nssimg's one format. */
    void warn(String message) {
        err.println("nssimg: warning: " + message);
        err.flush();
    }
}
