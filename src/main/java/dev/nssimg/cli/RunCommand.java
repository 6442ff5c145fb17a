package dev.nssimg.cli;

import dev.nssimg.engine.Engine;
import dev.nssimg.engine.RunResult;
import dev.nssimg.engine.RunSpec;
import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.Resolved;
import dev.nssimg.profile.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@picocli.CommandLine.Command(name = "run", sortOptions = false,
        description = {"Run a command in the runtime (or --dev) container.",
            "Like make container-run-gpu: the current directory at /workspace, the Hugging Face cache",
            "mounted and HF_HOME set. The exit code is the container's; the container is removed afterwards."})
public final class RunCommand implements Callable<Integer> {
    public static final String LABEL = "nssimg.run";
    static final String HF_TARGET = "/workspace/.hf_cache";
    private final Context ctx;

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

    public RunCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Resolved r = Inputs.load(ctx, common, Overrides.NONE).resolved();
        String ref = image != null ? image : dev ? r.imageDev().value() : r.image().value();
        if (image != null) {
            Validation.imageRef(Located.of(image, "flag --image"), "image");
        }
        if (platform != null) {
            Validation.platform(Located.of(platform, "flag --platform"));
        }
        String gpu = gpus != null ? gpus : gpuFromEnv(ctx.env().get("CONTAINER_GPU_FLAG"));
        Engine.validateGpus(gpu);
        long shm = parseSize(shmSize, "flag --shm-size");

        // Validate every input before touching anything (the cache directory, the engine).
        List<RunSpec.Mount> extra = new ArrayList<>();
        for (String m : extraMountsFromEnv(ctx.env().get("CONTAINER_EXTRA_MOUNTS"))) {
            extra.add(parseMount(m, "env CONTAINER_EXTRA_MOUNTS"));
        }
        for (String m : mounts) {
            extra.add(parseMount(m, "flag --mount"));
        }
        List<String> env = new ArrayList<>();
        env.add("HF_HOME=" + HF_TARGET);
        for (String e : envs) {
            if (e.isEmpty() || e.startsWith("=")) {
                throw NssimgException.usage("flag --env: expected KEY=VALUE or KEY, got '" + e + "'");
            }
            if (e.contains("=")) {
                env.add(e);
            } else if (ctx.env().containsKey(e)) {
                env.add(e + "=" + ctx.env().get(e));
            }
        }
        List<String> cmd = args.isEmpty() ? List.of("--help") : args;
        List<RunSpec.Mount> binds = new ArrayList<>();
        binds.add(new RunSpec.Mount(ctx.cwd().toString(), "/workspace", false));
        Path cache = hfCache != null ? ctx.cwd().resolve(hfCache) : defaultCache();
        try {
            Files.createDirectories(cache);
        } catch (IOException e) {
            throw NssimgException.usage("Hugging Face cache " + cache + " cannot be created: " + e.getMessage());
        }
        binds.add(new RunSpec.Mount(cache.toAbsolutePath().normalize().toString(), HF_TARGET, false));
        binds.addAll(extra);
        boolean interactive = interactiveFlag || System.console() != null;
        RunSpec spec = new RunSpec(ref, platform, null, cmd, env, binds, null, false, false, shm, gpu,
                Map.of(LABEL, "true"), null, interactive, ctx.out(), ctx.err());
        Engine engine = ctx.engine();
        if (engine.inspectImage(ref).isEmpty()) {
            throw Inputs.imageMissing(ref, engine.host(), dev ? "dev" : "runtime", common.profile);
        }
        RunResult result = engine.run(spec);
        ctx.out().flush();
        ctx.err().flush();
        return result.exitCode();
    }

    private Path defaultCache() {
        String env = ctx.env().get("CONTAINER_HF_CACHE");
        if (env != null && !env.isBlank()) {
            return ctx.cwd().resolve(env);
        }
        String home = ctx.env().getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".cache", "huggingface");
    }

    /** CONTAINER_GPU_FLAG holds docker run flags such as "--gpus all"; empty means no GPU. */
    static String gpuFromEnv(String flag) {
        if (flag == null) {
            return "all";
        }
        String f = flag.trim();
        if (f.isEmpty()) {
            return "none";
        }
        if (f.startsWith("--gpus=")) {
            return f.substring("--gpus=".length()).replace("\"", "");
        }
        if (f.startsWith("--gpus ")) {
            return f.substring("--gpus ".length()).trim().replace("\"", "");
        }
        throw NssimgException.usage("env CONTAINER_GPU_FLAG: '" + flag + "' is not of the form '--gpus VALUE'");
    }

    /** CONTAINER_EXTRA_MOUNTS holds "-v SRC:DST[:ro]" pairs, as in the Makefile. */
    static List<String> extraMountsFromEnv(String value) {
        List<String> out = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        String[] words = value.trim().split("\\s+");
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if ((w.equals("-v") || w.equals("--volume")) && i + 1 < words.length) {
                out.add(words[++i]);
            } else if (w.startsWith("-v") && w.length() > 2) {
                out.add(w.substring(2));
            } else if (w.startsWith("--volume=")) {
                out.add(w.substring("--volume=".length()));
            } else {
                throw NssimgException.usage("env CONTAINER_EXTRA_MOUNTS: expected '-v SRC:DST[:ro]' pairs, got '" + w + "'");
            }
        }
        return out;
    }

    static RunSpec.Mount parseMount(String m, String origin) {
        String[] p = m.split(":");
        if (p.length < 2 || p.length > 3 || p[0].isEmpty() || !p[1].startsWith("/")
                || (p.length == 3 && !p[2].equals("ro") && !p[2].equals("rw"))) {
            throw NssimgException.usage(origin + ": '" + m + "' is not SRC:DST[:ro] with an absolute DST");
        }
        if (!Path.of(p[0]).isAbsolute()) {
            throw NssimgException.usage(origin + ": mount source '" + p[0] + "' must be an absolute path");
        }
        return new RunSpec.Mount(p[0], p[1], p.length == 3 && p[2].equals("ro"));
    }

    static long parseSize(String s, String origin) {
        var m = java.util.regex.Pattern.compile("(?i)(\\d+)\\s*([bkmg]?)b?").matcher(s.trim());
        if (!m.matches()) {
            throw NssimgException.usage(origin + ": '" + s + "' is not a size such as 1g or 512m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }
}
