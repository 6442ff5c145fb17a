package dev.nssimg.cli;

import dev.nssimg.app.Runs;
import dev.nssimg.runtime.Invocation;
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
        @Option(names = "--dev", description = "Use the dev image (like container-run-gpu-dev; default command: the repository's run task's, e.g."
                + " mise run test, else make test).")
        boolean dev;

        @Option(names = "--test", description = "Use the CI image (like test-ci-container: CONTAINER_TEST_IMAGE, default"
                + " nss-test:latest; no GPU, no Hugging Face cache; default command: the repository's, e.g. mise run test:ci, else"
                + " make test-ci).")
        boolean test;
    }

    @Option(names = "--image", paramLabel = "REF", description = "Run this image instead of the profile's.")
    String image;

    @Option(names = "--gpus", paramLabel = "all|none|N|device=ID",
            description = "GPU access (default: all, or CONTAINER_GPU_FLAG). 'none' on hosts without GPUs.")
    String gpus;

    @Option(names = "--shm-size", paramLabel = "SIZE",
            description = "Size of /dev/shm (default: 1g; the engine's own for --test; not passed with --ipc host).")
    String shmSize;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Built-in run settings: pytorch (NVIDIA's --ipc host, --ulimit memlock=-1, --ulimit stack=67108864)."
                    + " Profile: run.preset.")
    String preset;

    @Option(names = "--ipc", paramLabel = "host|private|shareable|none",
            description = "IPC namespace; host uses the host's /dev/shm (no --shm-size). Profile: run.ipc.")
    String ipc;

    @Option(names = "--ulimit", paramLabel = "NAME=SOFT[:HARD]",
            description = "Resource limit (repeatable; -1 is unlimited), e.g. memlock=-1 stack=67108864. Profile: run.ulimits.")
    List<String> ulimits = new ArrayList<>();

    @Option(names = "--dry-run", description = "Print the equivalent docker run line; run nothing, contact nothing.")
    boolean dryRun;

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
            + " (default: --help); a command line in the dev and CI images (default: what the repository's run task runs, else"
            + " make test / make test-ci).")
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
                platform, args, preset, ipc, ulimits, dryRun));
    }
}
