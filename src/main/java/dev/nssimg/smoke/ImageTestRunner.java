package dev.nssimg.smoke;

import dev.nssimg.engine.Engine;
import dev.nssimg.model.FileFacts;
import dev.nssimg.model.GpuRequest;
import dev.nssimg.model.ImageFacts;
import dev.nssimg.model.RunResult;
import dev.nssimg.model.RunSpec;
import dev.nssimg.profile.ImageTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Runs the repository's own checks of an image ({@code tests:}) on one platform, beside smoke's, with smoke's
 * lockdown: commands in throw-away containers without network (unless a check asks for it), capabilities dropped,
 * no-new-privileges; files read without running anything. A GPU check runs with the GPU flags run would use, and is
 * "not run" (with the reason) where it cannot run: no GPU on the engine, or an emulated platform.
 */
public final class ImageTestRunner {
    /** How many bytes of a file a content pattern sees. */
    static final int MAX_CONTENT = 1 << 20;

    /**
     * The GPU flags a gpu: true check runs with (request), or why there are none (unavailable); nativePlatform: the
     * engine's own os/arch, which runs without emulation; required: "not run" fails (--require-gpu).
     */
    public record GpuAccess(GpuRequest request, String unavailable, String nativePlatform, boolean required) {}

    private final Engine engine;

    public ImageTestRunner(Engine engine) {
        this.engine = engine;
    }

    /**
     * The checks that apply to this platform and stage (stage null: unknown, so stage-limited checks are not run).
     * runAs: the platform the containers are asked for (null: the image's own, a local image); platform: its name.
     */
    public List<Check> run(String ref, String runAs, String platform, String stage, ImageFacts facts, List<ImageTest> tests,
            GpuAccess gpu, Duration timeout) {
        List<Check> out = new ArrayList<>();
        String passwd = null;
        String group = null;
        boolean read = false;
        for (ImageTest t : tests) {
            String name = "test:" + t.name();
            if (!t.platforms().isEmpty() && !t.platforms().contains(platform)) {
                continue;
            }
            if (!t.stages().isEmpty() && (stage == null || !t.stages().contains(stage))) {
                if (stage == null) {
                    out.add(Check.notRun(platform, name, "limited to stages " + String.join(", ", t.stages())
                            + ", and which stage this image was built from is not known"));
                }
                continue;
            }
            if ((t.probe() instanceof ImageTest.User || t.probe() instanceof ImageTest.FileProbe f && f.owner() != null) && !read) {
                passwd = SmokeRunner.text(engine.readFile(ref, runAs, "/etc/passwd", MAX_CONTENT, Map.of(SmokeRunner.LABEL, "true")));
                group = SmokeRunner.text(engine.readFile(ref, runAs, "/etc/group", MAX_CONTENT, Map.of(SmokeRunner.LABEL, "true")));
                read = true;
            }
            if (t.probe() instanceof ImageTest.Command c) {
                out.add(command(ref, runAs, platform, name, c, gpu, timeout));
            } else if (t.probe() instanceof ImageTest.FileProbe f) {
                out.add(file(platform, name, f, engine.readFile(ref, runAs, f.path(), MAX_CONTENT,
                        Map.of(SmokeRunner.LABEL, "true")), passwd, group));
            } else {
                out.add(metadata(platform, name, t.probe(), facts, passwd, group));
            }
        }
        return out;
    }

    private Check command(String ref, String runAs, String platform, String name, ImageTest.Command c, GpuAccess gpu,
            Duration timeout) {
        GpuRequest request = null;
        if (c.gpu()) {
            String why = platform != null && gpu.nativePlatform() != null && !sameArch(platform, gpu.nativePlatform())
                    ? "emulated: " + platform + " runs under QEMU on this " + gpu.nativePlatform() + " engine, and CUDA does not run"
                    + " under emulation"
                    : gpu.request() == null ? gpu.unavailable() : null;
            if (why != null) {
                return gpu.required() ? new Check(platform, name, false, "not run, and --require-gpu asks for it: " + why)
                        : Check.notRun(platform, name, why);
            }
            request = gpu.request();
        }
        Duration bound = c.timeoutSeconds() > 0 ? Duration.ofSeconds(c.timeoutSeconds()) : timeout;
        List<String> entrypoint = c.viaEntrypoint() ? null : List.of(c.argv().get(0));
        List<String> cmd = c.viaEntrypoint() ? c.argv() : c.argv().subList(1, c.argv().size());
        RunResult r = engine.run(new RunSpec(ref, runAs, entrypoint, cmd, List.of(), List.of(), null, !c.network(), true, 0,
                request, Map.of(SmokeRunner.LABEL, "true"), bound, false, null, null, null, null, List.of()));
        return commandResult(platform, name, c, r, bound);
    }

    static Check commandResult(String platform, String name, ImageTest.Command c, RunResult r, Duration bound) {
        String what = String.join(" ", c.argv());
        if (r.timedOut()) {
            return new Check(platform, name, false, what + " did not finish within " + bound.toSeconds() + " s");
        }
        List<String> wrong = new ArrayList<>();
        if (r.exitCode() != c.exit()) {
            wrong.add("exited " + r.exitCode() + ", expected " + c.exit() + firstLine(r.stderr()));
        }
        if (c.stdout() != null && !c.stdout().matcher(r.stdout()).find()) {
            wrong.add("stdout does not match /" + c.stdout() + "/" + firstLine(r.stdout()));
        }
        if (c.stderr() != null && !c.stderr().matcher(r.stderr()).find()) {
            wrong.add("stderr does not match /" + c.stderr() + "/" + firstLine(r.stderr()));
        }
        return new Check(platform, name, wrong.isEmpty(), wrong.isEmpty() ? what + " exited " + r.exitCode()
                + (c.stdout() != null ? ", stdout matches /" + c.stdout() + "/" : "") + (c.gpu() ? " (with GPUs)" : "")
                : what + ": " + String.join("; ", wrong));
    }

    static Check file(String platform, String name, ImageTest.FileProbe f, Optional<FileFacts> found, String passwd, String group) {
        if (found.isEmpty()) {
            return new Check(platform, name, !f.exists(), f.path() + (f.exists() ? " is not in the image" : " is absent, as expected"));
        }
        FileFacts x = found.get();
        if (!f.exists()) {
            return new Check(platform, name, false, f.path() + " exists, expected absent");
        }
        List<String> wrong = new ArrayList<>();
        if (f.mode() != null && (x.mode() & 07777) != f.mode()) {
            wrong.add(String.format("mode %04o, expected %04o", x.mode() & 07777, f.mode()));
        }
        if (f.owner() != null) {
            Users.Ids want = Users.resolve(f.owner(), passwd, group);
            if (want == null) {
                wrong.add("owner " + f.owner() + " is not a user of the image's /etc/passwd (or group of /etc/group)");
            } else if (want.uid() != x.uid() || (f.owner().contains(":") && want.gid() != x.gid())) {
                wrong.add("owned by " + x.uid() + ":" + x.gid() + ", expected " + f.owner() + " (" + want + ")");
            }
        }
        if (f.content() != null) {
            if (x.directory() || x.symlink()) {
                wrong.add("content: " + f.path() + " is a " + (x.directory() ? "directory" : "symbolic link to " + x.linkTarget()));
            } else if (!f.content().matcher(new String(x.content(), StandardCharsets.UTF_8)).find()) {
                wrong.add("content does not match /" + f.content() + "/" + (x.truncated() ? " (first " + MAX_CONTENT + " bytes)" : ""));
            }
        }
        String kind = x.directory() ? "directory" : x.symlink() ? "symbolic link to " + x.linkTarget() : "file";
        return new Check(platform, name, wrong.isEmpty(), wrong.isEmpty()
                ? f.path() + " exists (" + kind + String.format(", mode %04o, owner %d:%d)", x.mode() & 07777, x.uid(), x.gid())
                : f.path() + ": " + String.join("; ", wrong));
    }

    static Check metadata(String platform, String name, ImageTest.Probe p, ImageFacts img, String passwd, String group) {
        if (p instanceof ImageTest.Env e) {
            String v = img.envValue(e.variable());
            boolean ok = v != null && (e.value() == null || e.value().matcher(v).find());
            return new Check(platform, name, ok, v == null ? e.variable() + " is not set"
                    : e.variable() + "=" + v + (ok ? "" : ", expected to match /" + e.value() + "/"));
        }
        if (p instanceof ImageTest.Label l) {
            String v = img.labels().get(l.key());
            boolean ok = v != null && (l.value() == null || l.value().matcher(v).find());
            return new Check(platform, name, ok, v == null ? "label " + l.key() + " is missing"
                    : l.key() + "=" + v + (ok ? "" : ", expected to match /" + l.value() + "/"));
        }
        if (p instanceof ImageTest.User u) {
            Users.Ids want = Users.resolve(u.user(), passwd, group);
            Users.Ids got = Users.resolve(img.user(), passwd, group);
            String as = img.user().isEmpty() ? "root (no USER)" : img.user();
            if (want == null || got == null) {
                return new Check(platform, name, false, "cannot resolve " + (want == null ? u.user() : img.user())
                        + " with the image's /etc/passwd and /etc/group");
            }
            return new Check(platform, name, want.equals(got), "runs as " + as + " (" + got + ")"
                    + (want.equals(got) ? ", as " + u.user() + " is" : ", expected " + u.user() + " (" + want + ")"));
        }
        if (p instanceof ImageTest.Entrypoint e) {
            return new Check(platform, name, e.argv().equals(img.entrypoint()), "entrypoint " + img.entrypoint()
                    + (e.argv().equals(img.entrypoint()) ? "" : ", expected " + e.argv()));
        }
        if (p instanceof ImageTest.Workdir w) {
            return new Check(platform, name, w.path().equals(img.workdir()), "working directory '" + img.workdir() + "'"
                    + (w.path().equals(img.workdir()) ? "" : ", expected '" + w.path() + "'"));
        }
        ImageTest.Exposed x = (ImageTest.Exposed) p;
        List<String> missing = x.ports().stream().map(pt -> pt.contains("/") ? pt : pt + "/tcp")
                .filter(pt -> !img.exposed().contains(pt)).toList();
        return new Check(platform, name, missing.isEmpty(), missing.isEmpty() ? "exposes " + String.join(", ", x.ports())
                : "does not expose " + String.join(", ", missing) + " (exposes: " + (img.exposed().isEmpty() ? "nothing"
                : String.join(", ", img.exposed())) + ")");
    }

    private static boolean sameArch(String platform, String nativePlatform) {
        return arch(platform).equals(arch(nativePlatform));
    }

    private static String arch(String platform) {
        String[] p = platform.split("/");
        String a = p.length > 1 ? p[1] : p[0];
        return a.equals("x86_64") ? "amd64" : a.equals("aarch64") ? "arm64" : a;
    }

    private static String firstLine(String s) {
        String t = s == null ? "" : s.strip();
        return t.isEmpty() ? "" : " (" + Pattern.compile("\n").split(t)[0] + ")";
    }
}
