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
        description = {"Run a command in the runtime (or --dev) container.",
            "Like make container-run-gpu: the current directory at /workspace, the Hugging Face cache",
            "mounted and HF_HOME set. The exit code is the container's; the container is removed afterwards."})
public final class RunCommand implements Callable<Integer> {
    private final Invocation inv;

    @Mixin CommonOptions common;

    @Option(names = "--dev", description = "Use the dev image (like container-run-gpu-dev).")
    boolean dev;

    @Option(names = "--image", paramLabel = "REF", description = "Run this image instead of the profile's.")
    String image;

    @Option(names = "--gpus", paramLabel = "all|none|N|device=ID",
            description = "GPU access (default: all, or CONTAINER_GPU_FLAG). 'none' on hosts without GPUs.")
    String gpus;

    @Option(names = "--shm-size", paramLabel = "SIZE", defaultValue = "1g",
            description = "Size of /dev/shm (default: ${DEFAULT-VALUE}).")
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

    @Parameters(paramLabel = "ARGS", description = "Arguments for safe-synthesizer (after --; default: --help).")
    List<String> args = new ArrayList<>();

    public RunCommand(Invocation inv) {
        this.inv = inv;
    }

    @Override
    public Integer call() {
        // A terminal's stdin is always passed; piped stdin only when asked for.
        boolean interactive = interactiveFlag || System.console() != null;
        return Runs.run(inv, new Runs.Request(common.selection(), dev, image, gpus, shmSize, hfCache, mounts, envs, interactive,
                platform, args));
    }
}
