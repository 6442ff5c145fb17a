package dev.nssimg.runtime;

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
 * stops and removes), its debug log, and the build turns of its JVM (shared by every invocation a daemon serves).
 */
public record Invocation(Map<String, String> env, Path cwd, PrintWriter out, PrintWriter err,
        ProcessLauncher launcher, Function<Invocation, Engine> engines, Cleanup cleanup, Log log, TurnLock.Turns turns) {

    public Invocation {
        env = Map.copyOf(env);
    }

    /** An invocation alone in its JVM: a cleanup scope, a log and turns of its own, its cleanup messages on err. */
    public Invocation(Map<String, String> env, Path cwd, PrintWriter out, PrintWriter err, ProcessLauncher launcher,
            Function<Invocation, Engine> engines) {
        this(env, cwd, out, err, launcher, engines, new Cleanup(err), new Log(), new TurnLock.Turns());
    }

    /** This JVM's own environment, directory and stdio, cleaned up by a shutdown hook (the plain entry point). */
    public static Invocation system(Function<Invocation, Engine> engines) {
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        return new Invocation(System.getenv(), Path.of("").toAbsolutePath(),
                new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true), err,
                ProcessLauncher.system(), engines, Cleanup.forJvm(err), new Log(), new TurnLock.Turns());
    }

    public Engine engine() {
        return engines.apply(this);
    }

    /** Short docker CLI queries with this invocation's environment and directory. */
    public Captured captured() {
        return new Captured(launcher, env, cwd);
    }
}
