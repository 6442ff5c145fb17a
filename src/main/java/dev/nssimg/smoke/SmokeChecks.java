package dev.nssimg.smoke;

import dev.nssimg.engine.ImageFacts;
import dev.nssimg.engine.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The checks of `nssimg smoke`, as pure functions of what the engine reported. */
public final class SmokeChecks {
    public static final List<String> OCI_LABELS = List.of(
            "org.opencontainers.image.title", "org.opencontainers.image.description",
            "org.opencontainers.image.vendor", "org.opencontainers.image.licenses",
            "org.opencontainers.image.source", "org.opencontainers.image.documentation",
            "org.opencontainers.image.base.name", "org.opencontainers.image.usage");
    public static final String HINT_PREFIX = "nss-entrypoint: hint:";

    /** What the profile and Dockerfile say the image should be. cudaVersion, ubuntuVersion: what the Dockerfile and profile say the base is; null when nothing says. */
    public record Expect(String target, String cudaVersion, String ubuntuVersion) {}

    private SmokeChecks() {}

    /**
     * @param uid the uid the image runs as (resolved by the caller), or null if unknown
     */
    public static List<Check> evaluate(String platform, ImageFacts img, RunResult help, Integer uid, Expect expect,
            long timeoutSeconds) {
        List<Check> out = new ArrayList<>();
        if (help.timedOut()) {
            out.add(new Check(platform, "help-exit", false, "--help did not finish within " + timeoutSeconds + " s"));
        } else {
            out.add(new Check(platform, "help-exit", help.exitCode() == 0,
                    help.exitCode() == 0 ? "--help exited 0" : "--help exited " + help.exitCode() + tail(help.stderr())));
        }
        boolean usage = help.stdout().toLowerCase(Locale.ROOT).contains("usage");
        out.add(new Check(platform, "help-usage", usage,
                usage ? "usage text on stdout" : "no usage text on stdout" + tail(help.stdout())));
        boolean hints = help.stderr().contains(HINT_PREFIX);
        out.add(new Check(platform, "help-no-hints", !hints,
                hints ? "--help printed entrypoint hints: " + firstHint(help.stderr()) : "no hints for --help"));

        List<String> missing = new ArrayList<>();
        for (String key : OCI_LABELS) {
            String v = img.labels().get(key);
            if (v == null || v.isBlank()) {
                missing.add(key.substring("org.opencontainers.image.".length()));
            }
        }
        out.add(new Check(platform, "oci-labels", missing.isEmpty(),
                missing.isEmpty() ? OCI_LABELS.size() + " labels present" : "missing or empty: " + String.join(", ", missing)));

        String base = img.labels().getOrDefault("org.opencontainers.image.base.name", "");
        if (expect.cudaVersion() == null || expect.ubuntuVersion() == null) { // no Dockerfile to say which
            out.add(new Check(platform, "base-name", !base.isBlank(), base.isBlank() ? "base.name is missing"
                    : base + " (not compared: no Dockerfile says which CUDA and Ubuntu)"));
        } else {
            String want = "nvidia/cuda:" + expect.cudaVersion() + "-runtime-ubuntu" + expect.ubuntuVersion();
            out.add(new Check(platform, "base-name", base.equals(want),
                    base.equals(want) ? base : "base.name is '" + base + "', expected '" + want + "'"));
        }

        if ("dev".equals(expect.target())) {
            out.add(new Check(platform, "user", true, "dev may run as " + (uid == null ? img.user() : "uid " + uid)));
        } else if (uid == null) {
            out.add(new Check(platform, "user", false, "could not resolve user '" + img.user() + "' to a uid"));
        } else {
            boolean ok = uid == 1000;
            out.add(new Check(platform, "user", ok,
                    ok ? "uid 1000 (non-root)" : (uid == 0 ? "runs as root" : "runs as uid " + uid) + "; expected uid 1000"));
        }

        List<String> ep = img.entrypoint();
        boolean tini = !ep.isEmpty() && (ep.get(0).endsWith("/tini") || ep.get(0).equals("tini"));
        boolean wrapper = !ep.isEmpty() && ep.get(ep.size() - 1).endsWith("entrypoint.sh");
        out.add(new Check(platform, "entrypoint", tini && wrapper,
                String.valueOf(ep) + (tini && wrapper ? "" : " (expected tini -- .../entrypoint.sh)")));

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

    private static String firstHint(String stderr) {
        for (String l : stderr.split("\\R")) {
            if (l.startsWith(HINT_PREFIX)) {
                return l.substring(HINT_PREFIX.length()).trim();
            }
        }
        return "";
    }
}
