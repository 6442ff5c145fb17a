package dev.nssimg.buildx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nssimg.error.NssimgException;
import dev.nssimg.model.ImageFacts;
import dev.nssimg.model.ImageHistory;
import dev.nssimg.plan.Layers;
import dev.nssimg.plan.Planner;
import dev.nssimg.runtime.Captured;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Reads an image index from its registry with `docker buildx imagetools inspect`. */
public final class Imagetools {
    /** An attestation manifest of a platform: its digest and the in-toto predicate types of its layers. */
    public record Attestation(String digest, List<String> predicateTypes) {}

    /** annotations and attestations are filled by {@link #withDetails} only (they take a request per manifest). */
    public record Platform(String platform, String digest, ImageFacts facts, Map<String, String> annotations,
            List<Attestation> attestations) {
        Platform(String platform, String digest, ImageFacts facts) {
            this(platform, digest, facts, Map.of(), List.of());
        }
    }

    /** attestationOf: the attestation manifests' digests, by the digest of the platform manifest they describe. */
    public record Index(String ref, String digest, String mediaType, List<Platform> platforms, Map<String, String> annotations,
            Map<String, List<String>> attestationsOf) {}

    private final Captured cli;
    private final long timeoutSeconds;
    private final String builder;

    public Imagetools(Captured cli) {
        this(cli, 120, null);
    }

    /**
     * timeoutSeconds bounds each registry request (each docker buildx imagetools call); builder, when not null,
     * is the buildx builder whose registry settings the reads use (as `imagetools create` is given the build's).
     */
    public Imagetools(Captured cli, long timeoutSeconds, String builder) {
        this.cli = cli;
        this.timeoutSeconds = timeoutSeconds;
        this.builder = builder;
    }

    /** What ref points at in its registry: the digest of its index (or single manifest), and each platform's manifest. */
    public record Listing(String digest, Map<String, String> platforms) {}

    /**
     * The digest ref resolves to now, and its platform manifests' digests by platform (attestation manifests left out;
     * empty for a single manifest): one registry read. A registry that cannot be reached is exit 3, a reference it
     * does not hold exit 1.
     */
    public Listing listing(String ref) {
        try {
            JsonNode manifest = new ObjectMapper().readTree(run(ref, "{{json .Manifest}}"));
            Map<String, String> platforms = new LinkedHashMap<>();
            for (JsonNode d : manifest.path("manifests")) {
                if (!attestation(d)) {
                    platforms.put(platformName(d.path("platform")), d.path("digest").asText());
                }
            }
            return new Listing(manifest.path("digest").asText(), platforms);
        } catch (IOException e) {
            throw NssimgException.failed("cannot read the index of " + ref + ": " + e.getMessage());
        }
    }

    public Index inspect(String ref) {
        ObjectMapper m = new ObjectMapper();
        try {
            JsonNode manifest = m.readTree(run(ref, "{{json .Manifest}}"));
            JsonNode image = m.readTree(run(ref, "{{json .Image}}"));
            List<Platform> platforms = new ArrayList<>();
            Map<String, List<String>> attestations = new LinkedHashMap<>();
            if (manifest.has("manifests")) {
                for (JsonNode d : manifest.path("manifests")) {
                    String name = platformName(d.path("platform"));
                    if (attestation(d)) {
                        attestations.computeIfAbsent(d.path("annotations").path("vnd.docker.reference.digest").asText(),
                                k -> new ArrayList<>()).add(d.path("digest").asText());
                        continue; // attestation manifests
                    }
                    platforms.add(new Platform(name, d.path("digest").asText(), facts(ref, name, configOf(image, name))));
                }
            } else {
                String name = image.path("os").asText() + "/" + image.path("architecture").asText();
                platforms.add(new Platform(name, manifest.path("digest").asText(), facts(ref, name, image)));
            }
            return new Index(ref, manifest.path("digest").asText(), manifest.path("mediaType").asText(), platforms,
                    strings(manifest.path("annotations"), new LinkedHashMap<>()), attestations);
        } catch (IOException e) {
            throw NssimgException.failed("cannot read the index of " + ref + ": " + e.getMessage());
        }
    }

    private static ImageFacts facts(String ref, String platform, JsonNode img) {
        JsonNode c = img.path("config");
        Map<String, String> labels = new LinkedHashMap<>();
        c.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        List<String> exposed = new ArrayList<>();
        c.path("ExposedPorts").fieldNames().forEachRemaining(exposed::add);
        return new ImageFacts(ref, null, platform, -1, labels, c.path("User").asText(""), strings(c.path("Entrypoint")),
                strings(c.path("Cmd")), strings(c.path("Env")), List.of(), c.path("WorkingDir").asText(""), exposed);
    }

    /**
     * The index with each platform manifest's annotations and its attestation manifests (their predicate types),
     * read raw from the registry: one request per manifest.
     */
    public Index withDetails(Index idx) {
        ObjectMapper m = new ObjectMapper();
        String repo = Planner.repository(idx.ref());
        List<Platform> out = new ArrayList<>();
        try {
            for (Platform p : idx.platforms()) {
                JsonNode raw = m.readTree(run(repo + "@" + p.digest(), null));
                List<Attestation> atts = new ArrayList<>();
                for (String a : idx.attestationsOf().getOrDefault(p.digest(), List.of())) {
                    List<String> types = new ArrayList<>();
                    m.readTree(run(repo + "@" + a, null)).path("layers")
                            .forEach(l -> types.add(l.path("annotations").path("in-toto.io/predicate-type").asText("?")));
                    atts.add(new Attestation(a, types));
                }
                out.add(new Platform(p.platform(), p.digest(), p.facts(), strings(raw.path("annotations"), new LinkedHashMap<>()),
                        atts));
            }
        } catch (IOException e) {
            throw NssimgException.failed("cannot read the manifests of " + idx.ref() + ": " + e.getMessage());
        }
        return new Index(idx.ref(), idx.digest(), idx.mediaType(), out, idx.annotations(), idx.attestationsOf());
    }

    /**
     * The layers of each platform of an image in its registry, as {@link ImageHistory} (the config's diff IDs and
     * history, each layer's bytes the compressed size its manifest gives: what a push sends and a pull fetches), by
     * platform as the index names it; empty when the registry does not hold ref. Attestation manifests are left out.
     * Reads ref raw, then each platform's manifest and config (by digest, so a one-platform index and platforms
     * with variants read the same), those side by side: at most twice the timeout in all. A failure stops the
     * reads still running.
     */
    public Optional<Map<String, ImageHistory>> histories(String ref) {
        ObjectMapper m = new ObjectMapper();
        Captured.Output first = capture(ref, null);
        if (!first.ok()) {
            if (notFound(first.lastErrorLine())) {
                return Optional.empty();
            }
            throw failure(ref, first);
        }
        JsonNode top = tree(m, ref, first.stdout());
        String repo = Planner.repository(ref);
        // what to read per platform: its manifest's digest and the reference to read it by (platform null: the
        // single manifest ref names, whose digest is that of the bytes buildx printed as the registry sent them)
        record Read(String platform, String digest, String at) {}
        List<Read> reads = new ArrayList<>();
        if (top.has("manifests")) {
            for (JsonNode d : top.path("manifests")) {
                if (!attestation(d)) {
                    reads.add(new Read(platformName(d.path("platform")), d.path("digest").asText(), repo + "@" + d.path("digest").asText()));
                }
            }
        } else {
            reads.add(new Read(null, "sha256:" + sha256(first.stdout()), ref));
        }
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "nssimg-registry-read");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<String>> manifests = new ArrayList<>();
            List<CompletableFuture<String>> configs = new ArrayList<>();
            for (Read r : reads) {
                manifests.add(r.platform() == null ? CompletableFuture.completedFuture(first.stdout())
                        : CompletableFuture.supplyAsync(() -> run(r.at(), null), pool));
                configs.add(CompletableFuture.supplyAsync(() -> run(r.at(), "{{json .Image}}"), pool));
            }
            Map<String, ImageHistory> out = new LinkedHashMap<>();
            for (int i = 0; i < reads.size(); i++) {
                Read r = reads.get(i);
                JsonNode config = tree(m, r.at(), join(configs.get(i)));
                ImageHistory h = history(r.digest(), tree(m, r.at(), join(manifests.get(i))), config);
                if (!h.diffIds().isEmpty()) { // a config without a root filesystem is no image to compare
                    out.put(r.platform() == null ? platformName(config) : r.platform(), h);
                }
            }
            return Optional.of(out);
        } finally {
            pool.shutdownNow(); // after a failure: the reads still running end now, their docker processes with them
        }
    }

    /**
     * One platform's layers from its manifest and its image config: the diff IDs are the config's, each with the
     * compressed size of the manifest's layer at the same index (the OCI image spec keeps the two lists in step),
     * and the history entries that made a layer carry those sizes, matched from the top as {@link
     * Layers} matches them (a base whose history lacks entries leaves its own bottom layers
     * without one). Pure.
     */
    static ImageHistory history(String manifestDigest, JsonNode manifest, JsonNode config) {
        List<Long> sizes = new ArrayList<>();
        manifest.path("layers").forEach(l -> sizes.add(Math.max(1, l.path("size").asLong(1))));
        List<String> diffIds = strings(config.path("rootfs").path("diff_ids"));
        List<JsonNode> history = new ArrayList<>();
        config.path("history").forEach(history::add);
        long layered = history.stream().filter(h -> !h.path("empty_layer").asBoolean(false)).count();
        int layer = (int) (diffIds.size() - layered); // the diff ID of the bottom entry that made a layer
        List<ImageHistory.Entry> entries = new ArrayList<>();
        for (JsonNode h : history) {
            boolean empty = h.path("empty_layer").asBoolean(false);
            // a layer of 0 bytes would read as no layer; a gzip stream is never empty, so 1 is as honest as it gets
            long bytes = empty ? 0 : layer >= 0 && layer < sizes.size() ? sizes.get(layer) : 1;
            if (!empty) {
                layer++;
            }
            entries.add(new ImageHistory.Entry(h.path("created_by").asText(""), bytes));
        }
        long total = sizes.stream().mapToLong(Long::longValue).sum();
        return new ImageHistory(manifestDigest, total, diffIds, entries, sizes.size() == diffIds.size() ? sizes : List.of());
    }

    /**
     * A platform's config in what `{{json .Image}}` printed: buildx prints the config itself when the index has
     * one platform (attestations aside), else a map keyed by the normalized platform (linux/arm64 for
     * linux/arm64/v8, linux/arm/v7 for linux/arm).
     */
    static JsonNode configOf(JsonNode image, String platform) {
        if (image.has("rootfs") || image.has("config") || image.has("architecture")) {
            return image;
        }
        String normalized = platform.endsWith("arm64/v8") ? platform.substring(0, platform.length() - 3)
                : platform.endsWith("/arm") ? platform + "/v7" : platform;
        return image.has(platform) ? image.path(platform) : image.path(normalized);
    }

    private static boolean attestation(JsonNode descriptor) {
        return platformName(descriptor.path("platform")).contains("unknown")
                || descriptor.path("annotations").has("vnd.docker.reference.type");
    }

    private static String platformName(JsonNode p) {
        return p.path("os").asText() + "/" + p.path("architecture").asText()
                + (p.hasNonNull("variant") && !p.path("variant").asText().isEmpty() ? "/" + p.path("variant").asText() : "");
    }

    private static String join(CompletableFuture<String> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof NssimgException n) {
                throw n;
            }
            throw NssimgException.failed("cannot read from the registry: " + e.getCause());
        }
    }

    private static JsonNode tree(ObjectMapper m, String ref, String text) {
        try {
            return m.readTree(text);
        } catch (IOException e) {
            throw NssimgException.failed("cannot read the manifest of " + ref + ": " + e.getMessage());
        }
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static Map<String, String> strings(JsonNode n, Map<String, String> into) {
        n.properties().forEach(e -> into.put(e.getKey(), e.getValue().asText()));
        return into;
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    /** format null: the raw manifest. */
    private String run(String ref, String format) {
        Captured.Output o = capture(ref, format);
        if (!o.ok()) {
            throw failure(ref, o);
        }
        return o.stdout();
    }

    private Captured.Output capture(String ref, String format) {
        List<String> argv = new ArrayList<>(List.of("docker", "buildx"));
        if (builder != null) { // a builder's registry settings (plain HTTP, CAs, mirrors) and auth apply to the reads too
            argv.addAll(List.of("--builder", builder));
        }
        argv.addAll(List.of("imagetools", "inspect"));
        argv.addAll(format == null ? List.of("--raw", ref) : List.of(ref, "--format", format));
        return cli.capture(argv, timeoutSeconds);
    }

    /** What buildx says of a reference the registry does not hold ("ERROR: REF: not found"), or the registry's codes. */
    static boolean notFound(String why) {
        return why.endsWith(": not found") || why.contains("MANIFEST_UNKNOWN") || why.contains("NAME_UNKNOWN");
    }

    private static NssimgException failure(String ref, Captured.Output o) {
        String why = o.lastErrorLine();
        if (notFound(why)) {
            return NssimgException.failed(ref + " not found in its registry: " + why);
        }
        return NssimgException.environment("cannot read " + ref + " from its registry: " + why);
    }
}
