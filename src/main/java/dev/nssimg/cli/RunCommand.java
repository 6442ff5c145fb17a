package dev.nssimg.cli;

import dev.nssimg.app.Invocation;
import dev.nssimg.app.Runs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@picocli.CommandLine.Command(name = "run", sortOptions = false,
        description = {"Run a command in the runtime, --dev or --test (CI) container; never builds.",
            "Like make container-run-gpu: the repository's root at /workspace (the working directory, from any",
            "subdirectory), DEBIAN_FRONTEND=noninteractive, the Hugging Face cache mounted and HF_HOME set.",
            "The exit code is the container's; the container is removed afterwards."})
public final class RunCommand implements Callable<Integer> {
    private final Invocation inv;

    @Mixin CommonOptions common;

    @picocli.CommandLine.ArgGroup(exclusive = true)
    Kind kind = new Kind();

    static final class Kind {
        @Option(names = "--dev", description = "Use the dev image (like container-run-gpu-dev; default command: make test).")
        boolean dev;

        @Option(names = "--test", description = "Use the CI image (like test-ci-container: CONTAINER_TEST_IMAGE, default"
                + " nss-test:latest; no GPU, no Hugging Face cache; default command: make test-ci).")
        boolean test;
    }

    @Option(names = "--image", paramLabel = "REF", description = "Run this image instead of the profile's.")
    String image;

    @Option(names = "--gpus", paramLabel = "all|none|N|device=ID",
            description = "GPU access (default: all, or CONTAINER_GPU_FLAG). 'none' on hosts without GPUs.")
    String gpus;

    @Option(names = "--shm-size", paramLabel = "SIZE",
            description = "Size of /dev/shm (default: 1g; the engine's own for --test).")
    String shmSize;

    @Option(names = "--hf-cache", paramLabel = "DIR",
            description = "Host Hugging Face cache (default: CONTAINER_HF_CACHE or ~/.cache/huggingface); created if missing.")
    Path hfCache;

    @Option(names = "--mount", paramLabel = "SRC:DST[:ro]", description = "Extra bind mount (repeatable). Env: CONTAINER_EXTRA_MOUNTS.")
    List<String> mounts = new ArrayList<>();

    @Option(names = {"-e", "--env"}, paramLabel = "KEY[=VALUE]",
            description = "Environment variable (repeatable); KEY alone passes the host's value without printing it.")
    List<String> envs = new ArrayList<>();

    @Option(names = {"-i", "--interactive"},
            description = "Pass stdin to the container even when it is not a terminal (it is passed on a terminal anyway).")
    boolean interactiveFlag;

    @Option(names = "--platform", paramLabel = "PLATFORM", description = "Run as this platform (QEMU for non-native).")
    String platform;

    @Parameters(paramLabel = "ARGS", description = "The command (after --): arguments for safe-synthesizer in the runtime image"
            + " (default: --help); a command line in the dev (default: make test) and CI (default: make test-ci) images.")
    List<String> args = new ArrayList<>();

    public RunCommand(Invocation inv) {
        this.inv = inv;
    }

    @Override
    public Integer call() {
        // A terminal's stdin is always passed; piped stdin only when asked for.
        boolean interactive = interactiveFlag || System.console() != null;
        return Runs.run(inv, new Runs.Request(common.selection(),
                kind.dev ? Runs.Kind.DEV : kind.test ? Runs.Kind.TEST : Runs.Kind.RUNTIME, image, gpus, shmSize, hfCache, mounts, envs, interactive,
                platform, args));
    }
}
