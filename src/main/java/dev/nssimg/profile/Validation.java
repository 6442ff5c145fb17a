package dev.nssimg.profile;

import dev.nssimg.error.NssimgException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Value checks shared by profiles, flags and environment variables. Each failure names its origin. */
public final class Validation {
    private static final Pattern ARG_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** The smallest CUDA toolkit that knows each SM target. */
    private static final Map<String, String> SM_MIN_CUDA = Map.ofEntries(
            Map.entry("50", "6.0.0"), Map.entry("52", "6.5.0"), Map.entry("53", "6.5.0"),
            Map.entry("60", "8.0.0"), Map.entry("61", "8.0.0"), Map.entry("62", "8.0.0"),
            Map.entry("70", "9.0.0"), Map.entry("72", "10.0.0"), Map.entry("75", "10.0.0"),
            Map.entry("80", "11.0.0"), Map.entry("86", "11.1.0"), Map.entry("87", "11.4.0"),
            Map.entry("89", "11.8.0"), Map.entry("90", "11.8.0"), Map.entry("90a", "12.0.0"),
            Map.entry("100", "12.8.0"), Map.entry("100a", "12.8.0"), Map.entry("101", "12.8.0"),
            Map.entry("101a", "12.8.0"), Map.entry("103", "12.9.0"), Map.entry("103a", "12.9.0"),
            Map.entry("110", "13.0.0"), Map.entry("110a", "13.0.0"),
            Map.entry("120", "12.8.0"), Map.entry("120a", "12.8.0"),
            Map.entry("121", "12.9.0"), Map.entry("121a", "12.9.0"));
    private static final List<String> SECRET_WORDS =
            List.of("TOKEN", "PASSWORD", "PASSWD", "SECRET", "KEY", "APIKEY", "CREDENTIAL", "CREDENTIALS", "AUTH");
    // A Docker image reference: [host[:port]/]path[:tag][@sha256:hex], lowercase path.
    private static final Pattern IMAGE_REF = Pattern.compile(
            "(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
                    + "(?::[0-9]+)?|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?)/)?"
                    + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                    + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?");
    private static final Pattern REGISTRY = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?"
                    + "|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?)(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

    private Validation() {}

    private static final Pattern SIZE = Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)\\s*(|B|K|KB|KIB|M|MB|MIB|G|GB|GIB|T|TB|TIB)");

    /**
     * A size such as "25GB", "500 MB" or "1.5G", in bytes. Units are binary, as nssimg prints sizes
     * (1 GB = 1024^3 bytes; GiB is the same); a bare number is bytes.
     */
    public static long size(Located<String> v) {
        var m = SIZE.matcher(v.value().strip());
        if (!m.matches()) {
            throw NssimgException.usage(v.origin() + ": '" + v.value() + "' is not a size (e.g. 25GB, 500MB, 1.5G)");
        }
        String unit = m.group(2).toUpperCase(java.util.Locale.ROOT);
        int power = unit.isEmpty() || unit.equals("B") ? 0 : "KMGT".indexOf(unit.charAt(0)) + 1;
        double bytes = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
        if (bytes < 1 || bytes > Long.MAX_VALUE / 2) {
            throw NssimgException.usage(v.origin() + ": size '" + v.value() + "' is out of range");
        }
        return (long) bytes;
    }

    /**
     * What is checked of build arguments before any Dockerfile is read: their names (valid, not a secret's, not
     * TARGETARCH). Their values' forms depend on how the Dockerfile uses them: plan.ArgForms.
     */
    public static void buildArgs(Map<String, Located<String>> args) {
        args.forEach((name, v) -> buildArg(name, v));
    }

    public static void buildArg(String name, Located<String> v) {
        argName(name, v.origin());
        if (name.equals(BuildArgs.TARGETARCH)) {
            throw bad(v, name, "is set by BuildKit from the platform; choose the platform instead (--platform, CONTAINER_GPU_PLATFORM)");
        }
    }

    public static void argName(String name, String origin) {
        if (!ARG_NAME.matcher(name).matches()) {
            throw NssimgException.usage(origin + ": '" + name + "' is not a valid build argument name");
        }
        for (String word : name.toUpperCase(java.util.Locale.ROOT).split("_")) {
            if (SECRET_WORDS.contains(word)) {
                throw NssimgException.usage(origin + ": build argument " + name
                        + " looks like a secret; build args are stored in the image history. Use --secret id="
                        + name + ",env=" + name + " and a RUN --mount=type=secret instead");
            }
        }
    }

    /** An nvcc SM list: entries nvcc knows, separated by ';'. */
    public static void archFlags(Located<String> v) {
        if (v.value().isBlank()) {
            throw bad(v, BuildArgs.CUDA_ARCH_FLAGS, "is empty; give SM values such as 80;86;90;90a");
        }
        for (String sm : v.value().split(";", -1)) {
            if (!SM_MIN_CUDA.containsKey(sm)) {
                throw bad(v, BuildArgs.CUDA_ARCH_FLAGS, "entry '" + sm
                        + "' is not an SM value (e.g. 80, 86, 89, 90, 90a, 100, 120, 120a), separated by ';'");
            }
        }
    }

    /** Each SM of flags is one that cuda's toolkit compiles for. */
    public static void archFlagsForCuda(Located<String> flags, Located<String> cuda) {
        for (String sm : flags.value().split(";")) {
            String min = SM_MIN_CUDA.get(sm);
            if (min != null && compareVersions(cuda.value(), min) < 0) {
                throw NssimgException.usage(flags.origin() + ": CUDA_ARCH_FLAGS entry " + sm + " needs CUDA "
                        + min.replaceAll("\\.0$", "") + " or newer, but CUDA_VERSION is " + cuda.value()
                        + " (" + cuda.origin() + ")");
            }
        }
    }

    public static void platform(Located<String> v) {
        if (!BuildArgs.MULTIARCH_PLATFORMS.contains(v.value())) {
            throw NssimgException.usage(v.origin() + ": platform '" + v.value()
                    + "' is not supported (use linux/amd64 or linux/arm64)");
        }
    }

    /** True when ref is a valid image reference ([host[:port]/]path[:tag][@sha256:hex], lowercase path). */
    public static boolean isImageRef(String ref) {
        return !ref.isEmpty() && ref.length() <= 255 && IMAGE_REF.matcher(ref).matches();
    }

    public static void imageRef(Located<String> v, String what) {
        if (!isImageRef(v.value())) {
            throw NssimgException.usage(v.origin() + ": " + what + " '" + v.value()
                    + "' is not a valid image reference (e.g. nss-gpu:latest or ghcr.io/org/nss-gpu:1.0)");
        }
    }

    public static void registry(Located<String> v) {
        String r = v.value();
        if (r.isEmpty() || r.contains("://") || r.endsWith("/") || !REGISTRY.matcher(r).matches()) {
            throw NssimgException.usage(v.origin() + ": registry '" + r
                    + "' is not valid (e.g. ghcr.io/nvidia-nemo or 127.0.0.1:5000, no scheme, no tag)");
        }
    }

    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int xi = i < x.length ? Integer.parseInt(x[i]) : 0;
            int yi = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (xi != yi) {
                return Integer.compare(xi, yi);
            }
        }
        return 0;
    }

    private static NssimgException bad(Located<String> v, String name, String why) {
        return NssimgException.usage(v.origin() + ": " + name + "='" + v.value() + "' " + why);
    }
}
