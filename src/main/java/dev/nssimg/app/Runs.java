package dev.nssimg.app;

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
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `nssimg run` (container-run-gpu, -gpu-dev, test-ci-container): the project's root at /workspace (also the working
 * directory), DEBIAN_FRONTEND=noninteractive, and for the GPU images the Hugging Face cache mounted with HF_HOME set,
 * the GPU flag of CONTAINER_GPU_FLAG and extra mounts. It never builds: a missing image names the build that makes it.
 * The container's exit code is the result.
 */
public final class Runs {
    public static final String LABEL = "nssimg.run";
    static final String HF_TARGET = "/workspace/.hf_cache";
    static final String WORKSPACE = "/workspace";
    /** The CI image's name when CONTAINER_TEST_IMAGE and --image say none, as in upstream's Makefile. */
    static final String TEST_IMAGE = "nss-test:latest";
    static final String TEST_FILE = "containers/Dockerfile.test_ci";
    private static final Pattern SIZE = Pattern.compile("(?i)(\\d+)\\s*([bkmg]?)b?");

    private Runs() {}

    /** Which image a run uses, and what runs in it when no arguments are given (upstream's run targets' defaults). */
    public enum Kind {
        RUNTIME(List.of("--help"), "container-build-gpu"),
        DEV(List.of("make", "test"), "container-build-gpu-dev"),
        TEST(List.of("make", "test-ci"), "container-build-test");

        final List<String> defaultCommand;
        final String makeTarget;

        Kind(List<String> defaultCommand, String makeTarget) {
            this.defaultCommand = defaultCommand;
            this.makeTarget = makeTarget;
        }

        /** Whether the run gets the GPU, the Hugging Face cache and /dev/shm sizing (the CI image gets none). */
        boolean gpuImage() {
            return this != TEST;
        }
    }

    /** Null fields mean "not given"; args empty means the kind's default command. interactive: pass stdin. */
    public record Request(Selection selection, Kind kind, String image, String gpus, String shmSize, Path hfCache,
            List<String> mounts, List<String> envs, boolean interactive, String platform, List<String> args) {
        public Request {
            mounts = List.copyOf(mounts);
            envs = List.copyOf(envs);
            args = List.copyOf(args);
        }
    }

    /** Validates every input before touching anything (the cache directory, the engine), then runs; the container's exit code. */
    public static int run(Invocation inv, Request req) {
        Inputs in = Inputs.load(inv, req.selection(), Overrides.NONE);
        Resolved r = in.resolved();
        if (req.image() != null) {
            Validation.imageRef(Located.of(req.image(), "flag --image"), "image");
        }
        String ref = image(inv, req, r);
        if (req.platform() != null) {
            Validation.platform(Located.of(req.platform(), "flag --platform"));
        }
        boolean gpuImage = req.kind().gpuImage();
        String gpu = !gpuImage ? (req.gpus() != null ? req.gpus() : "none")
                : req.gpus() != null ? req.gpus() : gpuFromEnv(inv.env().get("CONTAINER_GPU_FLAG"));
        Engine.validateGpus(gpu);
        long shm = req.shmSize() != null ? parseSize(req.shmSize(), "flag --shm-size") : gpuImage ? 1L << 30 : 0;
        List<RunSpec.Mount> extra = new ArrayList<>();
        for (String m : extraMountsFromEnv(inv.env().get("CONTAINER_EXTRA_MOUNTS"))) {
            extra.add(parseMount(m, "env CONTAINER_EXTRA_MOUNTS"));
        }
        for (String m : req.mounts()) {
            extra.add(parseMount(m, "flag --mount"));
        }
        List<String> env = new ArrayList<>();
        if (gpuImage) {
            env.add("HF_HOME=" + HF_TARGET);
        }
        env.add("DEBIAN_FRONTEND=noninteractive");
        for (String e : req.envs()) {
            if (e.isEmpty() || e.startsWith("=")) {
                throw NssimgException.usage("flag --env: expected KEY=VALUE or KEY, got '" + e + "'");
            }
            if (e.contains("=")) {
                env.add(e);
            } else if (inv.env().containsKey(e)) {
                env.add(e + "=" + inv.env().get(e));
            }
        }
        List<String> cmd = req.args().isEmpty() ? req.kind().defaultCommand : req.args();
        List<RunSpec.Mount> binds = new ArrayList<>();
        // The repository's root, wherever in it nssimg was started (upstream mounts make's directory, the root).
        binds.add(new RunSpec.Mount(in.project().root().toString(), WORKSPACE, false));
        if (gpuImage) {
            Path cache = req.hfCache() != null ? inv.cwd().resolve(req.hfCache()) : defaultCache(inv);
            try {
                Files.createDirectories(cache);
            } catch (IOException e) {
                throw NssimgException.usage("Hugging Face cache " + cache + " cannot be created: " + e.getMessage());
            }
            binds.add(new RunSpec.Mount(cache.toAbsolutePath().normalize().toString(), HF_TARGET, false));
        } else if (req.hfCache() != null) {
            throw NssimgException.usage("flag --hf-cache: the CI image (--test) gets no Hugging Face cache");
        }
        binds.addAll(extra);
        RunSpec spec = new RunSpec(ref, req.platform(), null, cmd, env, binds, null, false, false, shm, gpu,
                Map.of(LABEL, "true"), null, req.interactive(), inv.out(), inv.err(), WORKSPACE);
        Engine engine = inv.engine();
        if (engine.inspectImage(ref).isEmpty()) {
            String testFile = inv.env().getOrDefault("CONTAINER_TEST_FILE", "").isBlank() ? TEST_FILE
                    : inv.env().get("CONTAINER_TEST_FILE").trim();
            throw missing(ref, engine.host(), req, testFile);
        }
        RunResult result = engine.run(spec);
        inv.out().flush();
        inv.err().flush();
        return result.exitCode();
    }

    private static String image(Invocation inv, Request req, Resolved r) {
        if (req.image() != null) {
            return req.image();
        }
        return switch (req.kind()) {
            case RUNTIME -> r.image().value();
            case DEV -> r.imageDev().value();
            case TEST -> {
                String env = inv.env().get("CONTAINER_TEST_IMAGE");
                if (env == null || env.isBlank()) {
                    yield TEST_IMAGE;
                }
                Validation.imageRef(Located.of(env.trim(), "env CONTAINER_TEST_IMAGE"), "image");
                yield env.trim();
            }
        };
    }

    /** run never builds: it names the build that makes the image, as nssimg and as the make target. */
    private static NssimgException missing(String ref, String host, Request req, String testFile) {
        String tag = req.image() != null ? " --tag " + ref : "";
        if (req.kind() != Kind.TEST) {
            return NssimgException.failed("image " + ref + " not found on the engine " + host + "; build it with: nssimg build --target "
                    + (req.kind() == Kind.DEV ? "dev" : "runtime") + (req.selection().profile() == null ? "" : " --profile "
                    + req.selection().profile()) + tag + " (make " + req.kind().makeTarget + ")");
        }
        return NssimgException.failed("image " + ref + " not found on the engine " + host + "; build it with: nssimg build"
                + " --file " + testFile + (req.platform() == null ? "" : " --platform " + req.platform()) + " --tag " + ref
                + " (make " + req.kind().makeTarget + ")");
    }

    private static Path defaultCache(Invocation inv) {
        String env = inv.env().get("CONTAINER_HF_CACHE");
        if (env != null && !env.isBlank()) {
            return inv.cwd().resolve(env);
        }
        String home = inv.env().getOrDefault("HOME", System.getProperty("user.home"));
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
        Matcher m = SIZE.matcher(s.trim());
        if (!m.matches()) {
            throw NssimgException.usage(origin + ": '" + s + "' is not a size such as 1g or 512m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }
}
