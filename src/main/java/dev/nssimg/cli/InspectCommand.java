package dev.nssimg.cli;

import dev.nssimg.json.Json;
import dev.nssimg.buildx.Imagetools;
import dev.nssimg.engine.ImageFacts;
import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.Planner;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Validation;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@picocli.CommandLine.Command(name = "inspect", sortOptions = false,
        description = {"Show an image's labels, size, user, entrypoint and env.",
            "For a pushed index: each platform's digest and the build arguments it was built with."})
public final class InspectCommand implements Callable<Integer> {
    static final String BUILD_LABEL_PREFIX = "com.nvidia.nss.build.";
    private final Context ctx;

    @Parameters(paramLabel = "REF", description = "Image reference.")
    String ref;

    enum Source { auto, engine, registry }

    @Option(names = "--from", paramLabel = "auto|engine|registry", defaultValue = "auto",
            description = "Where to read the image: auto (a registry reference from its registry, a plain name from the engine).")
    Source from;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    public InspectCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Validation.imageRef(Located.of(ref, "argument REF"), "image");
        boolean registry = from == Source.registry || (from == Source.auto && Planner.hasHost(ref));
        if (!registry) {
            Optional<ImageFacts> local = ctx.engine().inspectImage(ref);
            if (local.isEmpty()) {
                throw NssimgException.failed("image " + ref + " not found on the engine " + ctx.engine().host()
                        + " (read a registry with --from registry)");
            }
            print(local.get());
            return 0;
        }
        Imagetools.Index index = new Imagetools(Inputs.dockerCli(ctx)).inspect(ref);
        print(index);
        return 0;
    }

    private void print(ImageFacts f) {
        PrintWriter out = ctx.out();
        if (json) {
            out.println("{\"ref\":" + Json.str(f.ref()) + ",\"id\":" + Json.str(f.id()) + ",\"platform\":" + Json.str(f.platform())
                    + ",\"size\":" + f.size() + ",\"user\":" + Json.str(f.user()) + ",\"entrypoint\":" + Json.list(f.entrypoint())
                    + ",\"cmd\":" + Json.list(f.cmd()) + ",\"env\":" + Json.list(f.env()) + ",\"labels\":" + Json.map(f.labels()) + "}");
        } else {
            out.println("image       " + f.ref());
            out.println("id          " + f.id());
            out.println("platform    " + f.platform());
            out.println("size        " + BuildExecution.humanSize(f.size()));
            out.println("user        " + (f.user().isEmpty() ? "(root)" : f.user()));
            out.println("entrypoint  " + f.entrypoint());
            out.println("cmd         " + f.cmd());
            out.println("env");
            f.env().forEach(e -> out.println("  " + e));
            out.println("labels");
            new TreeMap<>(f.labels()).forEach((k, v) -> out.println("  " + k + "=" + v));
        }
        out.flush();
    }

    private void print(Imagetools.Index idx) {
        PrintWriter out = ctx.out();
        if (json) {
            StringBuilder sb = new StringBuilder("{\"ref\":" + Json.str(idx.ref()) + ",\"digest\":" + Json.str(idx.digest())
                    + ",\"mediaType\":" + Json.str(idx.mediaType()) + ",\"platforms\":[");
            for (int i = 0; i < idx.platforms().size(); i++) {
                Imagetools.Platform p = idx.platforms().get(i);
                sb.append(i == 0 ? "" : ",").append("{\"platform\":").append(Json.str(p.platform())).append(",\"digest\":")
                        .append(Json.str(p.digest())).append(",\"buildArgs\":").append(Json.map(buildArgs(p.facts().labels())))
                        .append(",\"user\":").append(Json.str(p.facts().user())).append(",\"labels\":")
                        .append(Json.map(p.facts().labels())).append('}');
            }
            out.println(sb.append("]}"));
        } else {
            out.println("index       " + idx.ref());
            out.println("digest      " + idx.digest());
            out.println("media type  " + idx.mediaType());
            for (Imagetools.Platform p : idx.platforms()) {
                out.println("platform " + p.platform());
                out.println("  digest      " + p.digest());
                out.println("  user        " + p.facts().user());
                out.println("  entrypoint  " + p.facts().entrypoint());
                buildArgs(p.facts().labels()).forEach((k, v) -> out.println("  build-arg   " + k + "=" + v));
            }
        }
        out.flush();
    }

    /** The build arguments an image recorded in its com.nvidia.nss.build.* labels, by ARG name. */
    static Map<String, String> buildArgs(Map<String, String> labels) {
        Map<String, String> out = new TreeMap<>();
        labels.forEach((k, v) -> {
            if (k.startsWith(BUILD_LABEL_PREFIX)) {
                out.put(k.substring(BUILD_LABEL_PREFIX.length()).toUpperCase(java.util.Locale.ROOT).replace('-', '_'), v);
            }
        });
        return out;
    }
}
