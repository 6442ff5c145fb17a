package dev.nssimg.app;


import dev.nssimg.engine.CdiSpecs;
import dev.nssimg.engine.Engine;
import dev.nssimg.error.NssimgException;
import dev.nssimg.model.GpuFacts;
import dev.nssimg.model.GpuRequest;
import dev.nssimg.model.ImageFacts;
import dev.nssimg.model.RunResult;
import dev.nssimg.model.RunSpec;
import dev.nssimg.plan.Gpus;
import dev.nssimg.plan.RunOptions;
import dev.nssimg.plan.ShellQuote;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.Resolved;
import dev.nssimg.profile.Validation;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.workspace.TaskRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    private Runs() {}

    /** Which image a run uses, and what runs in it when no arguments are given (upstream's run targets' defaults). */
    public enum Kind {
        RUNTIME(List.of("--help"), "container-build-gpu", TaskRunner.RUN_GPU),
        DEV(List.of("make", "test"), "container-build-gpu-dev", TaskRunner.RUN_GPU_DEV),
        TEST(List.of("make", "test-ci"), "container-build-test", TaskRunner.TEST_CI);

        /** When the repository's runner does not say (its run task's default command wins). */
        final List<String> defaultCommand;
        final String makeTarget;
        /** The runner's task this kind of run mirrors. */
        final String runTarget;

        Kind(List<String> defaultCommand, String makeTarget, String runTarget) {
            this.defaultCommand = defaultCommand;
            this.makeTarget = makeTarget;
            this.runTarget = runTarget;
        }

        /** Whether the run gets the GPU, the Hugging Face cache and /dev/shm sizing (the CI image gets none). */
        boolean gpuImage() {
            return this != TEST;
        }
    }

    /** Null fields mean "not given"; args empty means the kind's default command. interactive: pass stdin. */
    public record Request(Selection selection, Kind kind, String image, String gpus, String shmSize, Path hfCache,
            List<String> mounts, List<String> envs, boolean interactive, String platform, List<String> args, String preset,
            String ipc, List<String> ulimits, boolean dryRun) {
        public Request {
            mounts = List.copyOf(mounts);
            envs = List.copyOf(envs);
            args = List.copyOf(args);
            ulimits = List.copyOf(ulimits);
        }
    }

    /** Validates every input before touching anything (the cache directory, the engine), then runs; the container's exit code. */
    public static int run(Invocation caller, Request req) {
        Inputs in = Inputs.load(caller, req.selection(), Overrides.NONE);
        Resolved r = in.resolved();
        EngineChoice choice = EngineChoice.resolve(caller.env(), req.selection().engine(), r.engine());
        Invocation inv = choice.apply(caller);
        if (req.image() != null) {
            Validation.imageRef(Located.of(req.image(), "flag --image"), "image");
        }
        String ref = image(inv, req, r);
        // The platform: the flag, else the one the repository's run task passes (upstream's mise tasks always pass one).
        String platform = req.platform();
        if (platform != null) {
            Validation.platform(Located.of(platform, "flag --platform"));
        } else {
            TaskRunner.Platform p = in.runner().runPlatform(req.kind().runTarget, inv.env()).orElse(null);
            if (p != null) {
                Validation.platform(Located.of(p.value(), p.origin()));
                platform = p.value();
            }
        }
        boolean gpuImage = req.kind().gpuImage();
        // The CI image (--test) gets no GPU unless asked for one.
        Gpus.Ask gpu = req.gpus() != null ? Gpus.parse(req.gpus(), "flag --gpus")
                : gpuImage ? Gpus.fromEnv(inv.env().get("CONTAINER_GPU_FLAG")) : Gpus.parse("none", "flag --gpus");
        RunOptions.Options opts = RunOptions.resolve(r.run(), req.preset(), req.ipc(), req.shmSize(), req.ulimits(),
                gpuImage ? "1g" : null);
        opts.warnings().forEach(w -> inv.err().println("nssimg: warning: " + w));
        List<RunSpec.Mount> extra = new ArrayList<>();
        for (Located<String> m : r.run().mounts()) {
            extra.add(parseMount(m.value(), m.origin()));
        }
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
        List<String> envArgs = new ArrayList<>(env); // as a docker run line spells them (KEY alone: the host's value)
        r.run().env().forEach((k, v) -> {
            env.add(k + "=" + v.value());
            envArgs.add(k + "=" + v.value());
        });
        for (String e : req.envs()) {
            if (e.isEmpty() || e.startsWith("=")) {
                throw NssimgException.usage("flag --env: expected KEY=VALUE or KEY, got '" + e + "'");
            }
            if (e.contains("=")) {
                env.add(e);
                envArgs.add(e);
            } else if (inv.env().containsKey(e)) {
                env.add(e + "=" + inv.env().get(e));
                envArgs.add(e);
            }
        }
        List<String> cmd = !req.args().isEmpty() ? req.args()
                : in.runner().runDefault(req.kind().runTarget).map(TaskRunner.Default::command).orElse(req.kind().defaultCommand);
        List<RunSpec.Mount> binds = new ArrayList<>();
        // The repository's root, wherever in it nssimg was started (upstream mounts make's directory, the root).
        binds.add(new RunSpec.Mount(in.project().root().toString(), WORKSPACE, false));
        Path cache = null;
        if (gpuImage) {
            cache = req.hfCache() != null ? inv.cwd().resolve(req.hfCache()) : defaultCache(inv);
            binds.add(new RunSpec.Mount(cache.toAbsolutePath().normalize().toString(), HF_TARGET, false));
        } else if (req.hfCache() != null) {
            throw NssimgException.usage("flag --hf-cache: the CI image (--test) gets no Hugging Face cache");
        }
        binds.addAll(extra);
        if (req.dryRun()) {
            // Contacts nothing and creates nothing: the line docker would run (the engine picks CDI for --gpus when it
            // has no NVIDIA runtime).
            RunSpec planned = new RunSpec(ref, platform, null, cmd, env, binds, null, false, false, opts.shmSize(), null,
                    Map.of(LABEL, "true"), null, req.interactive(), null, null, WORKSPACE, opts.ipc(), opts.ulimits());
            if (choice.podman() && EngineChoice.rootless()) {
                planned = planned.withUserns(KEEP_ID); // the image's own user is not known without the engine: the spec's
            }
            List<String> line = new ArrayList<>(RunOptions.dockerRun(planned, opts, gpu, envArgs));
            if (choice.podman()) {
                line.set(0, choice.program());
            }
            inv.out().println(ShellQuote.join(line));
            inv.out().flush();
            return 0;
        }
        if (cache != null) {
            try {
                Files.createDirectories(cache);
            } catch (IOException e) {
                throw NssimgException.usage("Hugging Face cache " + cache + " cannot be created: " + e.getMessage());
            }
        }
        Engine engine = inv.engine();
        java.util.Optional<ImageFacts> image = engine.inspectImage(ref);
        if (image.isEmpty()) {
            String testFile = inv.env().getOrDefault("CONTAINER_TEST_FILE", "").isBlank() ? TEST_FILE
                    : inv.env().get("CONTAINER_TEST_FILE").trim();
            throw choice.missing(inv, ref, missing(ref, engine.host(), req, testFile));
        }
        RunSpec spec = new RunSpec(ref, platform, null, cmd, env, binds, null, false, false, opts.shmSize(),
                gpuRequest(engine, gpu, choice), Map.of(LABEL, "true"), null, req.interactive(), inv.out(), inv.err(), WORKSPACE,
                opts.ipc(), opts.ulimits());
        String userns = choice.podman() ? keepId(image.get().user(), engine) : null;
        if (userns != null) {
            spec = spec.withUserns(userns);
        }
        RunResult result = engine.run(spec);
        inv.out().flush();
        inv.err().flush();
        return result.exitCode();
    }

    /** Where podman 5.4 reads CDI specs (its default cdi_spec_dirs). */
    static final List<String> PODMAN_CDI_DIRS = List.of("/etc/cdi", "/var/run/cdi");
    /** The spec's appuser (uid 1000) mapped to the caller on a rootless podman, so it can write the mounts. */
    static final String KEEP_ID = "keep-id:uid=1000,gid=1000";

    /**
     * On a rootless podman, a non-root image user is mapped to the caller (--userns=keep-id:uid=U,gid=G), so that the
     * files it writes into the workspace and HF cache are the caller's and the caller's files are writable to it.
     * A root image (dev) needs nothing: its root is the caller already. null when nothing is to be done.
     */
    static String keepId(String user, Engine engine) {
        if (user == null || user.isBlank() || user.equals("0") || user.startsWith("0:") || user.equals("root")
                || !engine.rootless()) {
            return null;
        }
        String[] ids = user.split(":");
        if (ids[0].matches("\\d+")) {
            return "keep-id:uid=" + ids[0] + ",gid=" + (ids.length > 1 && ids[1].matches("\\d+") ? ids[1] : ids[0]);
        }
        return KEEP_ID; // a user name: the spec's appuser is uid 1000
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
        String make = " (make " + req.kind().makeTarget + ")";
        if (req.kind() != Kind.TEST) {
            String profile = req.selection().profile();
            return Inputs.imageMissing(ref, host, "--target " + (req.kind() == Kind.DEV ? "dev" : "runtime")
                    + (profile == null ? "" : " --profile " + profile) + (req.image() != null ? " --tag " + ref : "") + make);
        }
        return Inputs.imageMissing(ref, host, "--file " + testFile + (req.platform() == null ? "" : " --platform " + req.platform())
                + " --tag " + ref + make);
    }

    private static Path defaultCache(Invocation inv) {
        String env = inv.env().get("CONTAINER_HF_CACHE");
        if (env != null && !env.isBlank()) {
            return inv.cwd().resolve(env);
        }
        String home = inv.env().getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".cache", "huggingface");
    }

    /**
     * The engine's way to the GPUs asked for: its NVIDIA runtime, or CDI (the devices its specs offer are read here
     * when the engine is local; a remote engine's own answer decides). Nothing is asked of the engine for none.
     */
    static GpuRequest gpuRequest(Engine engine, Gpus.Ask ask, EngineChoice choice) {
        if (ask.none()) {
            return null;
        }
        GpuFacts facts = engine.gpuFacts();
        if (choice.podman() && facts.cdiSpecDirs() == null) {
            // podman's API does not report CDI; podman always injects CDI devices, from these directories
            facts = new GpuFacts(facts.host(), facts.runtimes(), PODMAN_CDI_DIRS, facts.local());
        }
        Set<String> local = facts.local() && facts.cdiOn() ? CdiSpecs.devices(facts.cdiSpecDirs(), CdiSpecs.GPU_KIND) : null;
        return Gpus.choose(ask, facts, local);
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
}
