package dev.nssimg.buildx;

import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.Command;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a failure of the docker CLI means, by its own words: the environment's fault (exit 3) or the build's
 * (exit 1), and whether it earns one more try (a registry server error, not a refusal).
 */
final class Failures {
    /** Messages of the docker CLI, buildx and BuildKit that mean "the environment, not the build". */
    private static final Pattern ENVIRONMENT = Pattern.compile(
            "(?i)cannot connect to the docker daemon|connection refused|no such host|i/o timeout|dial (tcp|unix)"
                    + "|is the docker daemon running|no builder .* found|connection reset by peer|error reading from server"
                    + "|unexpected eof|closed network connection|server misbehaving|code = Unavailable"
                    + "|client connection is closing|transport is closing|broken pipe|tls handshake timeout"
                    + "|context deadline exceeded \\(Client\\.Timeout|net/http: timeout awaiting response headers");

    /** Registry answers that are worth one more try: server errors, not refusals. */
    private static final Pattern TRANSIENT_REGISTRY = Pattern.compile(
            "(?i)(unexpected status[^:]*: |received unexpected HTTP status: |status code )5\\d\\d|\\b50[0234] (Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)");

    /**
     * The engine's intermittent unpack race with the containerd image store (moby/buildkit#6521): the image was
     * built, but unpacking it into the engine found a parent snapshot gone. The same build again (cached) succeeds.
     */
    private static final Pattern UNPACK_RACE = Pattern.compile(
            "failed to prepare extraction snapshot .*parent snapshot \\S+ does not exist");

    private Failures() {}

    /** One run of a process. */
    @FunctionalInterface
    interface Attempt<T> {
        T run() throws IOException, InterruptedException;
    }

    /**
     * Runs attempt, and once more when registryFailure finds a registry server error in its result (and says
     * it, non-null), after telling why.
     */
    static <T> T retriedOnce(Attempt<T> attempt, Function<T, String> registryFailure, Consumer<String> tell)
            throws IOException, InterruptedException {
        T first = attempt.run();
        String why = registryFailure.apply(first);
        if (why == null) {
            return first;
        }
        tell.accept(why);
        return attempt.run();
    }

    static boolean registryServerError(CharSequence text) {
        return text != null && TRANSIENT_REGISTRY.matcher(text).find();
    }

    static boolean unpackRace(CharSequence text) {
        return text != null && UNPACK_RACE.matcher(text).find();
    }

    /** The failure of a BUILD or PUSH step; named: say which platform. */
    static NssimgException ofStep(BuildRunner.StepResult r, boolean named) {
        String why = r.error() == null ? "docker buildx exited with " + r.exit() : r.error();
        String msg = (r.kind() == Command.Kind.PUSH ? "push failed" : r.kind() == Command.Kind.LOAD ? "loading the image failed" : "build failed") + (named ? " for " + r.label() : "")
                + (r.failedStep() == null ? "" : " at step " + r.failedStep()) + ": " + why;
        return classified(msg, why);
    }

    /** Exit 3 when the tool's own words (why) blame the environment (engine, registry, network), else exit 1. */
    static NssimgException classified(String msg, String why) {
        return ENVIRONMENT.matcher(why).find() ? NssimgException.environment(msg) : NssimgException.failed(msg);
    }
}
