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
        Located<String> sizeBudget) {

    public ProfileSpec {
        contexts = Map.copyOf(contexts);
        args = Map.copyOf(args);
        platformArgs = Map.copyOf(platformArgs);
        platformBuilders = Map.copyOf(platformBuilders);
    }
}
