package dev.nssimg.smoke;

import dev.nssimg.dockerfile.LabelValues;
import dev.nssimg.model.ImageFacts;
import dev.nssimg.model.RunResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** The checks of `nssimg smoke`, as pure functions of what the engine reported. */
public final class SmokeChecks {
    public static final List<String> OCI_LABELS = List.of(
            "org.opencontainers.image.title", "org.opencontainers.image.description",
            "org.opencontainers.image.vendor", "org.opencontainers.image.licenses",
            "org.opencontainers.image.source", "org.opencontainers.image.documentation",
            "org.opencontainers.image.base.name", "org.opencontainers.image.usage");
    /** The program the images wrap; a dev image without an entrypoint must still have it on PATH. */
    public static final String PROGRAM = "safe-synthesizer";

    /**
     * What the image should be. declared: what the stage of the Dockerfile it was built from declares, or null when no
     * Dockerfile can be read (then the spec's expectations apply). args: the build arguments' values, for the
     * ${VAR} references of declared labels.
     */
    public record Expect(String target, Declared declared, Map<String, String> args) {
        public Expect {
            args = args == null ? Map.of() : Map.copyOf(args);
        }
    }

    /**
     * A stage's effective declarations (inherited through FROM stage). where: FILE:LINE of its FROM. entrypoint, user:
     * null when the Dockerfile declares none (the base image's applies). labelScopes: for each label that may be
     * expanded, the ARG names in scope where it was declared (one without a value expands empty); a label missing
     * there keeps a literal $ and is only checked for presence.
     */
    public record Declared(String where, List<String> entrypoint, String user, Map<String, String> labels,
            Map<String, Set<String>> labelScopes) {
        public Declared {
            entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
            labelScopes = Map.copyOf(labelScopes);
        }
    }

    private SmokeChecks() {}

    /**
     * @param uid the uid the image runs as (resolved by the caller), or null if unknown; names are not resolved
     * @param viaShell the help ran as "sh -c 'safe-synthesizer --help'" (the image has no entrypoint)
     */
    public static List<Check> evaluate(String platform, ImageFacts img, RunResult help, Integer uid, Expect expect,
            long timeoutSeconds, boolean viaShell) {
        return evaluate(platform, img, help, uid, Users.resolve(img.user(), null, null), u -> Users.resolve(u, null, null),
                expect, timeoutSeconds, viaShell);
    }

    /**
     * @param ids the uid and gid the image runs as, resolved with its own /etc/passwd and /etc/group; null if unknown
     * @param resolve resolves a declared USER the same way (null: cannot)
     */
    public static List<Check> evaluate(String platform, ImageFacts img, RunResult help, Integer uid, Users.Ids ids,
            Function<String, Users.Ids> resolve, Expect expect, long timeoutSeconds, boolean viaShell) {
        List<Check> out = new ArrayList<>();
        String what = viaShell ? PROGRAM + " --help (through sh: no entrypoint)" : "--help";
        if (help.timedOut()) {
            out.add(new Check(platform, "help-exit", false, what + " did not finish within " + timeoutSeconds + " s"));
        } else {
            out.add(new Check(platform, "help-exit", help.exitCode() == 0,
                    what + " exited " + help.exitCode() + (help.exitCode() == 0 ? "" : tail(help.stderr()))));
        }
        boolean usage = help.stdout().toLowerCase(Locale.ROOT).contains("usage");
        out.add(new Check(platform, "help-usage", usage,
                usage ? "usage text on stdout" : "no usage text on stdout" + tail(help.stdout())));
        // Whatever an entrypoint's hints look like, --help must not need any: nothing on stderr.
        String stderr = help.stderr().strip();
        out.add(new Check(platform, "help-no-hints", stderr.isEmpty(),
                stderr.isEmpty() ? "nothing on stderr" : "--help wrote on stderr: " + stderr.lines().findFirst().orElse("")));

        Declared d = expect.declared();
        out.add(d == null ? specLabels(platform, img) : declaredLabels(platform, img, d));
        out.add(d == null ? specBaseName(platform, img) : labelValues(platform, img, d, expect, platform));
        out.add(user(platform, img, uid, ids, resolve, expect));
        out.add(entrypoint(platform, img, expect));

        String vis = img.envValue("NVIDIA_VISIBLE_DEVICES");
        String caps = img.envValue("NVIDIA_DRIVER_CAPABILITIES");
        boolean env = "all".equals(vis) && "compute,utility".equals(caps);
        out.add(new Check(platform, "nvidia-env", env,
                "NVIDIA_VISIBLE_DEVICES=" + vis + " NVIDIA_DRIVER_CAPABILITIES=" + caps));
        return out;
    }

    /** One platform's image of a pushed index, as its config says. */
    public record PlatformImage(String platform, ImageFacts facts) {}

    /**
     * The platforms of one tag should run one program: a user pulling the tag gets another entrypoint or user per
     * machine otherwise. A warning row (nothing fails) for each that differs; none when they agree.
     */
    public static List<Check> sameProgram(List<PlatformImage> images) {
        List<Check> out = new ArrayList<>();
        if (images.size() < 2) {
            return out;
        }
        differs(images, "entrypoint", i -> String.valueOf(i.facts().entrypoint()), out);
        differs(images, "user", i -> i.facts().user() == null || i.facts().user().isEmpty() ? "(root)" : i.facts().user(), out);
        return out;
    }

    private static void differs(List<PlatformImage> images, String what, java.util.function.Function<PlatformImage, String> value,
            List<Check> out) {
        java.util.Map<String, String> by = new java.util.LinkedHashMap<>();
        images.forEach(i -> by.put(i.platform(), value.apply(i)));
        if (by.values().stream().distinct().count() > 1) {
            StringBuilder d = new StringBuilder("the platforms of this tag differ: ");
            by.forEach((p, v) -> d.append(p).append(' ').append(v).append("; "));
            d.setLength(d.length() - 2);
            out.add(Check.warning("all", "same-" + what, d + " (a pull gets a different one per machine)"));
        }
    }

    private static Check specLabels(String platform, ImageFacts img) {
        List<String> missing = new ArrayList<>();
        for (String key : OCI_LABELS) {
            String v = img.labels().get(key);
            if (v == null || v.isBlank()) {
                missing.add(key.substring("org.opencontainers.image.".length()));
            }
        }
        return new Check(platform, "labels", missing.isEmpty(), missing.isEmpty()
                ? OCI_LABELS.size() + " OCI labels present (no Dockerfile: the spec's list)" : "missing or empty: " + String.join(", ", missing));
    }

    private static Check declaredLabels(String platform, ImageFacts img, Declared d) {
        List<String> missing = new ArrayList<>();
        for (String key : d.labels().keySet()) {
            String v = img.labels().get(key);
            if (v == null || v.isBlank()) {
                missing.add(key.startsWith("org.opencontainers.image.") ? key.substring("org.opencontainers.image.".length()) : key);
            }
        }
        if (d.labels().isEmpty()) {
            return new Check(platform, "labels", true, "the Dockerfile declares none (" + d.where() + ")");
        }
        return new Check(platform, "labels", missing.isEmpty(), missing.isEmpty()
                ? d.labels().size() + " labels present, as " + d.where() + " declares"
                : "missing or empty: " + String.join(", ", missing) + " (declared by " + d.where() + ")");
    }

    private static Check specBaseName(String platform, ImageFacts img) {
        String base = img.labels().getOrDefault("org.opencontainers.image.base.name", "");
        return new Check(platform, "label-values", !base.isBlank(), base.isBlank() ? "base.name is missing"
                : "base.name " + base + " (not compared: no Dockerfile says which)");
    }

    /** Every declared label whose value the build arguments determine must have exactly that value. */
    private static Check labelValues(String platform, ImageFacts img, Declared d, Expect expect, String platformName) {
        int compared = 0;
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : d.labels().entrySet()) {
            Set<String> scope = d.labelScopes().get(e.getKey());
            String want = scope == null ? null : expand(e.getValue(), substitutions(expect, scope, platformName));
            String got = img.labels().get(e.getKey());
            if (want == null || got == null || got.isBlank()) {
                continue; // a reference nssimg cannot resolve (ENV, escapes), or reported by the labels check
            }
            compared++;
            if (!want.equals(got)) {
                wrong.add(e.getKey() + " is '" + got + "', expected '" + want + "'");
            }
        }
        return new Check(platform, "label-values", wrong.isEmpty(), wrong.isEmpty()
                ? compared + " values as " + d.where() + " and the build arguments give them"
                : String.join("; ", wrong));
    }

    private static Map<String, String> substitutions(Expect expect, Set<String> scope, String platform) {
        return LabelValues.substitutions(scope, expect.args(), platform);
    }

    static String expand(String value, Map<String, String> subs) {
        return LabelValues.expand(value, subs);
    }

    /**
     * The user, judged by the stage's own declaration where a Dockerfile says (by resolved uid and gid: appuser and
     * 1000:1000 are the same user when the image's passwd says so; a stage that declares root runs as root by
     * declaration), else by the spec's list (the runtime image runs as uid 1000; dev may run as anyone).
     */
    private static Check user(String platform, ImageFacts img, Integer uid, Users.Ids ids,
            Function<String, Users.Ids> resolve, Expect expect) {
        Declared d = expect.declared();
        String as = ids != null ? (img.user().isEmpty() ? "root" : img.user()) + " (" + ids + ")"
                : uid == null ? "user '" + img.user() + "'" : uid == 0 ? "root" : "uid " + uid;
        if (d != null) {
            if (d.user() == null) {
                return new Check(platform, "user", true, "runs as " + as + " (not compared: " + d.where()
                        + " declares no USER, the base image's applies)");
            }
            if (d.user().contains("$")) {
                return new Check(platform, "user", true, "runs as " + as + " (not compared: " + d.where() + " uses a variable)");
            }
            Users.Ids want = resolve.apply(d.user());
            boolean same = want != null && ids != null ? want.equals(ids) : d.user().equals(img.user());
            return new Check(platform, "user", same, "runs as " + as + (same ? ", as " + d.where() + " declares (USER " + d.user() + ")"
                    : "; " + d.where() + " declares USER " + d.user() + (want == null ? "" : " (" + want + ")")));
        }
        if ("dev".equals(expect.target())) {
            return new Check(platform, "user", true, "dev may run as " + as);
        }
        if (uid == null) {
            return new Check(platform, "user", false, "could not resolve user '" + img.user() + "' to a uid");
        }
        boolean ok = uid == 1000;
        return new Check(platform, "user", ok,
                ok ? "uid 1000 (non-root)" : (uid == 0 ? "runs as root" : "runs as uid " + uid) + "; expected uid 1000");
    }

    private static Check entrypoint(String platform, ImageFacts img, Expect expect) {
        List<String> ep = img.entrypoint();
        Declared d = expect.declared();
        if (d != null && d.entrypoint() == null) {
            return new Check(platform, "entrypoint", true, ep + " (not compared: " + d.where() + " declares none, the base's applies)");
        }
        if (d != null) {
            if (d.entrypoint().stream().anyMatch(w -> w.contains("$"))) {
                return new Check(platform, "entrypoint", true, ep + " (not compared: " + d.where() + " uses a variable)");
            }
            boolean same = d.entrypoint().equals(ep);
            return new Check(platform, "entrypoint", same, ep + (same ? ", as " + d.where() + " declares"
                    : " (expected " + d.entrypoint() + ", as " + d.where() + " declares)"));
        }
        if ("dev".equals(expect.target())) {
            return new Check(platform, "entrypoint", true, ep + " (not compared: no Dockerfile)");
        }
        boolean tini = !ep.isEmpty() && (ep.get(0).endsWith("/tini") || ep.get(0).equals("tini"));
        boolean wrapper = !ep.isEmpty() && ep.get(ep.size() - 1).endsWith("entrypoint.sh");
        return new Check(platform, "entrypoint", tini && wrapper,
                ep + (tini && wrapper ? "" : " (expected tini -- .../entrypoint.sh: no Dockerfile, the spec's)"));
    }

    /** Numeric uid from an image's USER, if it says one without running anything. */
    public static Integer uidOf(String user) {
        String u = user == null ? "" : user.trim();
        if (u.isEmpty() || u.equals("root") || u.startsWith("root:")) {
            return 0;
        }
        String name = u.contains(":") ? u.substring(0, u.indexOf(':')) : u;
        return name.matches("\\d+") ? Integer.parseInt(name) : null;
    }

    private static String tail(String s) {
        String t = s.strip();
        if (t.isEmpty()) {
            return "";
        }
        String[] lines = t.split("\\R");
        return ": " + lines[lines.length - 1];
    }
}
