package dev.nssimg.profile;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A profile with every layer applied; each value says where it came from.
 * {@code args} are the arguments shared by all platforms (what a one-call
 * multi-platform build passes); {@code platformArgs} the full set per platform.
 */
public record Resolved(
        String profile,
        Path root,
        Located<String> platform,
        Located<List<String>> platforms,
        Located<Path> dockerfile,
        Located<Path> context,
        Map<String, Located<String>> contexts,
        Located<String> image,
        Located<String> imageDev,
        Located<String> registry,
        Map<String, Located<String>> args,
        Map<String, Map<String, Located<String>>> platformArgs,
        Map<String, Located<String>> overrideArgs,
        Located<String> builder,
        Map<String, Located<String>> platformBuilders,
        Located<String> cacheFrom,
        Located<String> cacheTo,
        Map<String, Located<Path>> platformDockerfiles,
        Map<String, Located<Path>> platformContexts,
        RunSettings run,
        ProfileSpec.Publishing publishing,
        Located<String> sizeBudget,
        Located<String> engine) {

    public Resolved {
        platformDockerfiles = Map.copyOf(platformDockerfiles);
        platformContexts = Map.copyOf(platformContexts);
        contexts = Map.copyOf(contexts);
        args = Map.copyOf(args);
        platformArgs = Map.copyOf(platformArgs);
        overrideArgs = Map.copyOf(overrideArgs);
        platformBuilders = Map.copyOf(platformBuilders);
    }

    /** Build arguments for one platform: its resolved set, then --build-arg flags. */
    public Map<String, Located<String>> argsFor(String platform) {
        Map<String, Located<String>> out = new LinkedHashMap<>(platformArgs.getOrDefault(platform, args));
        out.putAll(overrideArgs);
        return out;
    }

    /**
     * The values a build of platform uses: the Dockerfile's own ARG defaults (dockerfileDefaults, located at their
     * lines), then the resolved ones.
     */
    public Map<String, Located<String>> effectiveArgs(Map<String, Located<String>> dockerfileDefaults, String platform) {
        Map<String, Located<String>> out = new LinkedHashMap<>(dockerfileDefaults);
        out.putAll(argsFor(platform));
        return out;
    }

    /** Arguments shared by every platform, then --build-arg flags. */
    public Map<String, Located<String>> sharedArgs() {
        Map<String, Located<String>> out = new LinkedHashMap<>(args);
        out.putAll(overrideArgs);
        return out;
    }

    /** Every platform a build of this profile may target: the single platform first, then the multi-arch list's others. */
    public List<String> everyPlatform() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(platform.value()), platforms.value().stream())
                .distinct().toList();
    }

    /** Builder for one platform: the per-platform builder if set, else the global one (may be null). */
    public Located<String> builderFor(String platform) {
        return platformBuilders.getOrDefault(platform, builder);
    }

    /** The Dockerfile of one platform: its own (platform-dockerfiles) if set, else the profile's. */
    public Located<Path> dockerfileFor(String platform) {
        return platformDockerfiles.getOrDefault(platform, dockerfile);
    }

    /** The build context of one platform: its own (platform-contexts) if set, else the profile's. */
    public Located<Path> contextFor(String platform) {
        return platformContexts.getOrDefault(platform, context);
    }

    /**
     * A named context's value: a local directory (an absolute path) or, with a scheme, what buildx takes as it is
     * (docker-image://REF, oci-layout://DIR, https://..., target:STAGE). Empty for the latter.
     */
    public static java.util.Optional<Path> localContext(String value) {
        return value.matches("^[a-z][a-z0-9+.-]*://.*") || value.startsWith("target:")
                ? java.util.Optional.empty() : java.util.Optional.of(Path.of(value));
    }

    public boolean hasRegistry() {
        return registry != null && !registry.value().isEmpty();
    }
}
