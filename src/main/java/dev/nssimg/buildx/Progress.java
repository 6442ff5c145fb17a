package dev.nssimg.buildx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows buildx progress, plain text or rawjson, line by line: which steps
 * ran, which came from cache, and which failed with what message.
 */
public final class Progress {
    private static final Pattern HEADER = Pattern.compile("^#(\\d+) (\\[[^\\]]+\\] .*)$");
    private static final Pattern CACHED = Pattern.compile("^#(\\d+) CACHED$");
    private static final Pattern ERROR = Pattern.compile("^#(\\d+) ERROR: (.*)$");
    /**
     * A Dockerfile step other than FROM (resolving a base is never "cached"): "[2/3] ...", "[deps 2/3] ...", and in
     * one call for several platforms "[linux/amd64 deps 2/3] ..." (group 1: the platform).
     */
    private static final Pattern STEP = Pattern.compile("^\\[(\\S+/\\S+ )?(\\S+ )?\\d+/\\d+\\] (?!FROM ).*");
    private static final Pattern PUSHED = Pattern.compile("^\\S+: digest: (sha256:[0-9a-f]{64}) size: \\d+$");
    /** The exporter that stores the image in the engine (its vertex name), its plain header, and its DONE line. */
    private static final Pattern EXPORTER = Pattern.compile("exporting to (?:image|docker image format)");
    private static final Pattern EXPORT = Pattern.compile("^#(\\d+) " + EXPORTER.pattern() + "$");
    private static final Pattern DONE = Pattern.compile("^#(\\d+) DONE\\b.*");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** podman's plain output: "[linux/arm64] [2/3] STEP 1/4: RUN ..." (FROM lines are no steps, as above). */
    private static final Pattern PODMAN_STEP = Pattern.compile("^(\\[[^\\]]+\\] )*STEP \\d+/\\d+: (?!FROM ).*");

    /** Vertex name by id (plain) or digest (rawjson), in first-seen order. */
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, Boolean> cached = new LinkedHashMap<>();
    private final Map<String, Boolean> completed = new LinkedHashMap<>();
    private String failedStep;
    private String error;
    private String lastErrorLine;
    private boolean buildxMissing;
    private String pushedDigest;
    private String lastLine;
    private boolean sawBuildkit;
    /** rawjson objects are pretty-printed over many lines: gathered here until the closing brace. */
    private final StringBuilder json = new StringBuilder();
    private String exportId;
    private Runnable onImageStored = () -> {};
    private boolean stored;
    private int podmanSteps;

    /**
     * Parses one line; returns a JSON event for --json output when a vertex completed or failed, else null.
     * Synchronized: a process's stdout and stderr are pumped by two threads into one Progress.
     */
    public synchronized Map<String, Object> accept(String line) {
        if (json.length() > 0 || line.startsWith("{")) {
            json.append(line).append('\n');
            if (line.equals("}") || (line.startsWith("{") && line.endsWith("}"))) {
                String obj = json.toString();
                json.setLength(0);
                return acceptJson(obj);
            }
            return null;
        }
        if (!line.isBlank()) {
            lastLine = line.trim();
        }
        Matcher m;
        if (line.startsWith("#")) {
            sawBuildkit = true;
        }
        if ((m = PUSHED.matcher(line)).matches()) { // `docker push` reports what it pushed
            pushedDigest = m.group(1);
        } else if ((m = HEADER.matcher(line)).matches()) {
            names.putIfAbsent(m.group(1), m.group(2));
        } else if ((m = EXPORT.matcher(line)).matches()) {
            exportId = m.group(1);
        } else if (exportId != null && (m = DONE.matcher(line)).matches() && m.group(1).equals(exportId)) {
            imageStored();
        } else if ((m = CACHED.matcher(line)).matches()) {
            cached.put(m.group(1), true);
        } else if ((m = ERROR.matcher(line)).matches()) {
            if (failedStep == null) {
                failedStep = names.getOrDefault(m.group(1), "#" + m.group(1));
                error = m.group(2);
            }
        } else if (line.startsWith("ERROR: ") || line.startsWith("error: ") || line.startsWith("Error: ")) {
            lastErrorLine = line.substring(7);
        } else if (PODMAN_STEP.matcher(line).matches()) {
            podmanSteps++;
        }
        if (line.contains("'buildx' is not a docker command") || line.contains("unknown command: docker buildx")
                || line.contains("BuildKit is enabled but the buildx component is missing")) {
            buildxMissing = true;
            lastErrorLine = line;
        }
        return null;
    }

    private Map<String, Object> acceptJson(String line) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (java.io.IOException e) {
            return null;
        }
        Map<String, Object> event = null;
        for (JsonNode v : n.path("vertexes")) {
            String d = v.path("digest").asText();
            names.putIfAbsent(d, v.path("name").asText());
            if (v.path("cached").asBoolean(false)) {
                cached.put(d, true);
            }
            String err = v.path("error").asText("");
            boolean done = v.hasNonNull("completed");
            if (!err.isEmpty() && failedStep == null) {
                failedStep = v.path("name").asText();
                error = err;
            }
            if (done && err.isEmpty() && EXPORTER.matcher(v.path("name").asText()).matches()) {
                imageStored();
            }
            if ((done || !err.isEmpty()) && !completed.containsKey(d)) {
                completed.put(d, true);
                event = new LinkedHashMap<>();
                event.put("event", err.isEmpty() ? "step" : "step-error");
                event.put("name", v.path("name").asText());
                event.put("cached", v.path("cached").asBoolean(false));
                Matcher step = STEP.matcher(v.path("name").asText());
                if (step.matches() && step.group(1) != null) { // one call for several platforms names each in the step
                    event.put("platform", step.group(1).strip());
                }
                if (!err.isEmpty()) {
                    event.put("error", err);
                }
            }
        }
        return event;
    }

    /**
     * Called (once, on a pump thread, so it must be quick) when the exporter has stored the image in the
     * engine: whoever wants facts about the image can ask while buildx is still finishing up.
     */
    public synchronized void onImageStored(Runnable action) {
        onImageStored = action;
    }

    private void imageStored() {
        if (!stored) {
            stored = true;
            onImageStored.run();
        }
    }

    /** Steps of the Dockerfile ("[stage n/m] ..."), not BuildKit's internal vertices. */
    public int steps() {
        return podmanSteps + (int) names.values().stream().filter(n -> STEP.matcher(n).matches()).count();
    }

    public int cachedSteps() {
        return (int) names.entrySet().stream()
                .filter(e -> STEP.matcher(e.getValue()).matches() && cached.getOrDefault(e.getKey(), false)).count();
    }

    /** The digest `docker push` reported, if this was a push. */
    public String pushedDigest() {
        return pushedDigest;
    }

    /** BuildKit printed progress: the build got as far as the builder. */
    public boolean sawBuildkit() {
        return sawBuildkit;
    }

    /** The docker CLI said it has no buildx plugin. */
    public boolean buildxMissing() {
        return buildxMissing;
    }

    public String failedStep() {
        return failedStep;
    }

    /** The failure's message: the failed step's error, else the tool's last ERROR line, else its last line. */
    public String error() {
        return error != null ? error : lastErrorLine != null ? lastErrorLine : lastLine;
    }
}
