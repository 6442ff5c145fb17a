package dev.nssimg.lint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * BuildKit's own build checks, where the builder has them: `docker buildx build --call check,format=json` (buildx
 * 0.15 and later). Whether buildx has them is read from its help, never from a version number. Pure: argv out,
 * findings from its JSON in.
 */
public final class BuildkitChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BuildkitChecks() {}

    /** buildx build --help lists --call when the build checks subrequest is there. */
    public static boolean available(String buildxBuildHelp) {
        return buildxBuildHelp.lines().anyMatch(l -> l.strip().startsWith("--call"));
    }

    /** The build the profile would run, checked instead of built: builder, platform, named contexts and args included. */
    public static List<String> argv(String builder, String dockerfile, String context, String target, String platform,
            Map<String, String> contexts, Map<String, String> args) {
        List<String> argv = new ArrayList<>(List.of("docker", "buildx"));
        if (builder != null) {
            argv.addAll(List.of("--builder", builder));
        }
        argv.addAll(List.of("build", "--call", "check,format=json", "--file", dockerfile));
        if (platform != null) {
            argv.addAll(List.of("--platform", platform));
        }
        contexts.forEach((k, v) -> argv.addAll(List.of("--build-context", k + "=" + v)));
        if (target != null) {
            argv.addAll(List.of("--target", target));
        }
        args.forEach((k, v) -> argv.addAll(List.of("--build-arg", k + "=" + v)));
        argv.add(context);
        return argv;
    }

    /**
     * The warnings of the lint subrequest's result ({"warnings":[{ruleName, detail, url, location:{sourceIndex,
     * ranges:[{start:{line}}]}}], "sources":[{fileName}], "buildError":{message, location}}), as findings of file.
     */
    public static List<Finding> parse(String json, String file, Engine building) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IOException("not a JSON object");
        }
        List<Finding> out = new ArrayList<>();
        for (JsonNode w : root.path("warnings")) {
            String rule = Rule.BUILDKIT_CHECK.id() + ":" + w.path("ruleName").asText("?");
            String detail = w.path("detail").asText(w.path("description").asText(""));
            String url = w.path("url").asText("");
            out.add(new Finding(file, line(w.path("location")), rule, Rule.BUILDKIT_CHECK.severityFor(building),
                    detail + (url.isEmpty() ? "" : " (" + url + ")")));
        }
        JsonNode error = root.path("buildError");
        if (error.isObject()) {
            out.add(new Finding(file, line(error.path("location")), Rule.BUILDKIT_CHECK.id() + ":build-error",
                    building == Engine.BUILDKIT ? Severity.ERROR : Severity.WARNING, error.path("message").asText("")));
        }
        return out;
    }

    private static int line(JsonNode location) {
        JsonNode ranges = location.path("ranges");
        return ranges.isArray() && !ranges.isEmpty() ? Math.max(1, ranges.get(0).path("start").path("line").asInt(1)) : 1;
    }
}
