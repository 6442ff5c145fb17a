package dev.nssimg.profile;

import java.util.List;
import java.util.Map;

/**
 * One profile (or the defaults block) as written in the profiles file. Every
 * field is optional; a null means "inherit". Values are located so resolution
 * can say where each came from.
 */
public record ProfileSpec(
        String name,
        String description,
        Located<String> extendsName,
        Located<String> platform,
        Located<List<String>> platforms,
        Located<String> dockerfile,
        Located<String> context,
        Map<String, Located<String>> contexts,
        Located<String> image,
        Located<String> imageDev,
        Located<String> registry,
        Map<String, Located<String>> args,
        Map<String, Map<String, Located<String>>> platformArgs,
        Located<String> builder,
        Map<String, Located<String>> platformBuilders,
        Located<String> cacheFrom,
        Located<String> cacheTo,
        Map<String, Located<String>> platformDockerfiles,
        Map<String, Located<String>> platformContexts,
        RunSettings run,
        Publishing publishing,
        Located<String> sizeBudget,
        Located<String> engine,
        Located<String> runner,
        Map<String, Located<String>> envArgs,
        SignSection sign,
        TestsKey tests) {

    /**
     * A profile's tests: as written (origin: its line): the checks inline, or the path of a file holding them
     * (relative to the repository root). Null when the profile does not write it (inherited).
     */
    public record TestsKey(String origin, List<ImageTest> inline, String file) {}

    /**
     * What a published build adds: tag templates ({version}, {sha}, ...), the registries each tag goes to, the
     * branch (when CI checks out a detached HEAD) and the default branch (where `latest` applies), the reproducible
     * export, and attestations (provenance, sbom, attest). Null means inherit.
     */
    public record Publishing(Located<List<String>> tags, Located<List<String>> registries, Located<String> branch,
            Located<String> defaultBranch, Located<String> reproducible, Located<String> provenance, Located<String> sbom,
            Located<List<String>> attest) {
        public static final Publishing NONE = new Publishing(null, null, null, null, null, null, null, null);
    }

    public ProfileSpec {
        platformDockerfiles = Map.copyOf(platformDockerfiles);
        platformContexts = Map.copyOf(platformContexts);
        run = run == null ? RunSettings.EMPTY : run;
        sign = sign == null ? SignSection.NONE : sign;
        contexts = Map.copyOf(contexts);
        args = Map.copyOf(args);
        platformArgs = Map.copyOf(platformArgs);
        platformBuilders = Map.copyOf(platformBuilders);
        envArgs = envArgs == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(envArgs));
    }
}
