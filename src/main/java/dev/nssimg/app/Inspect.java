package dev.nssimg.app;

import dev.nssimg.buildx.Imagetools;
import dev.nssimg.error.NssimgException;
import dev.nssimg.model.ImageFacts;
import dev.nssimg.plan.Planner;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Validation;
import dev.nssimg.runtime.Invocation;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** `nssimg inspect`: an image from the engine, or a pushed index (each platform) from its registry. */
public final class Inspect {
    static final String BUILD_LABEL_PREFIX = "com.nvidia.nss.build.";

    private Inspect() {}

    public enum Source { auto, engine, registry }

    /** Either an image of the engine or an index of a registry. */
    public sealed interface Outcome permits Local, Remote {}

    public record Local(ImageFacts image) implements Outcome {}

    public record Remote(Imagetools.Index index) implements Outcome {}

    public static Outcome run(Invocation inv, String ref, Source from) {
        return run(inv, ref, from, null);
    }

    /** engine: --engine (null: CONTAINER_CMD, else auto); an engine image is read through that engine's API. */
    public static Outcome run(Invocation caller, String ref, Source from, String engine) {
        Validation.imageRef(Located.of(ref, "argument REF"), "image");
        EngineChoice choice = EngineChoice.resolve(caller.env(), engine, null);
        Invocation inv = choice.apply(caller);
        boolean registry = from == Source.registry || (from == Source.auto && Planner.hasHost(ref));
        if (registry) {
            Imagetools tools = new Imagetools(inv.captured());
            return new Remote(tools.withDetails(tools.inspect(ref)));
        }
        Optional<ImageFacts> local = inv.engine().inspectImage(ref);
        if (local.isEmpty()) {
            throw choice.missing(inv, ref, NssimgException.failed("image " + ref + " not found on the engine " + inv.engine().host()
                    + " (read a registry with --from registry)"));
        }
        return new Local(local.get());
    }

    /** The build arguments an image recorded in its com.nvidia.nss.build.* labels, by ARG name. */
    public static Map<String, String> buildArgs(Map<String, String> labels) {
        Map<String, String> out = new TreeMap<>();
        labels.forEach((k, v) -> {
            if (k.startsWith(BUILD_LABEL_PREFIX)) {
                out.put(k.substring(BUILD_LABEL_PREFIX.length()).toUpperCase(Locale.ROOT).replace('-', '_'), v);
            }
        });
        return out;
    }
}
