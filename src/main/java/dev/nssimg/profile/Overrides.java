package dev.nssimg.profile;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Values that beat the profiles file: first the Makefile-named environment
 * variables, then flags. Null means "not given". Paths are already absolute.
 */
public record Overrides(
        Located<String> platform,
        Located<List<String>> platforms,
        Located<String> image,
        Located<String> imageDev,
        Located<String> registry,
        Located<String> dockerfile,
        Located<String> context,
        Map<String, Located<String>> args,
        Located<String> builder,
        Located<String> cacheFrom,
        Located<String> cacheTo) {

    /** The origin of the platform values CONTAINER_GPU_PLATFORM gives. */
    public static final String PLATFORM_ENV = "env CONTAINER_GPU_PLATFORM";

    public static final Overrides NONE = new Overrides(null, null, null, null, null, null, null, Map.of(), null, null, null);

    public Overrides {
        args = Map.copyOf(args);
    }

    /** Only a platform (a smoke or run of one image). */
    public static Overrides platformOnly(Located<String> platform) {
        return new Overrides(platform, null, null, null, null, null, null, Map.of(), null, null, null);
    }

    /** A platform value that is a comma list ("linux/amd64,linux/arm64") as the list; null for a single platform. */
    public static Located<List<String>> platformList(String value, String origin) {
        return value == null || !value.contains(",") ? null
                : Located.of(Arrays.stream(value.split(",")).map(String::trim).toList(), origin);
    }

    /**
     * The environment variables of the Makefile (the spec's, and upstream's CONTAINER_GPU_FILE, the Dockerfile)
     * that bear on a build. Empty means unset, as in make.
     */
    public static Overrides fromEnv(Map<String, String> env) {
        return fromEnv(env, Map.of());
    }

    /** As {@link #fromEnv(Map)}, plus the build arguments the repository's task runner maps environment variables to. */
    public static Overrides fromEnv(Map<String, String> env, Map<String, Located<String>> runnerArgs) {
        String p = env.getOrDefault("CONTAINER_GPU_PLATFORM", "");
        Located<List<String>> platforms = platformList(p, PLATFORM_ENV);
        Located<String> platform = platforms != null || p.isBlank() ? null : Located.of(p.trim(), PLATFORM_ENV);
        return new Overrides(platform, platforms, env("CONTAINER_GPU_IMAGE", env), env("CONTAINER_GPU_IMAGE_DEV", env),
                env("CONTAINER_GPU_REGISTRY", env), env("CONTAINER_GPU_FILE", env), null, runnerArgs, null, null, null);
    }

    private static Located<String> env(String name, Map<String, String> env) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : Located.of(v.trim(), "env " + name);
    }
}
