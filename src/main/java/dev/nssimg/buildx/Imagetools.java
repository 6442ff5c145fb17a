package dev.nssimg.buildx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nssimg.engine.ImageFacts;
import dev.nssimg.engine.ImageHistory;
import dev.nssimg.error.NssimgException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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

    private final DockerCli cli;
    private final long timeoutSeconds;

    public Imagetools(DockerCli cli) {
        this(cli, 120);
    }

    /** timeoutSeconds bounds each registry request (each docker buildx imagetools call). */
    public Imagetools(DockerCli cli, long timeoutSeconds) {
        this.cli = cli;
        this.timeoutSeconds = timeoutSeconds;
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
                    JsonNode p = d.path("platform");
                    String name = p.path("os").asText() + "/" + p.path("architecture").asText()
                            + (p.hasNonNull("variant") ? "/" + p.path("variant").asText() : "");
                    if (name.contains("unknown") || d.path("annotations").has("vnd.docker.reference.type")) {
                        attestations.computeIfAbsent(d.path("annotations").path("vnd.docker.reference.digest").asText(),
                                k -> new ArrayList<>()).add(d.path("digest").asText());
                        continue; // attestation manifests
                    }
                    platforms.add(new Platform(name, d.path("digest").asText(), facts(ref, name, image.path(name))));
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
        return new ImageFacts(ref, null, platform, -1, labels, c.path("User").asText(""), strings(c.path("Entrypoint")),
                strings(c.path("Cmd")), strings(c.path("Env")), List.of());
    }

    /**
     * The index with each platform manifest's annotations and its attestation manifests (their predicate types),
     * read raw from the registry: one request per manifest.
     */
    public Index withDetails(Index idx) {
        ObjectMapper m = new ObjectMapper();
        String repo = dev.nssimg.plan.Planner.repository(idx.ref());
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
     * platform; empty when the registry does not hold ref. Attestation manifests are left out. Reads the index, the
     * configs, then every platform manifest, those side by side.
     */
    public Optional<Map<String, ImageHistory>> histories(String ref) {
        ObjectMapper m = new ObjectMapper();
        JsonNode top;
        try {
            top = m.readTree(run(ref, null));
        } catch (NssimgException e) {
            if (e.getMessage().contains(" not found in its registry")) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw NssimgException.failed("cannot read the manifest of " + ref + ": " + e.getMessage());
        }
        String repo = dev.nssimg.plan.Planner.repository(ref);
        Map<String, String> digests = new LinkedHashMap<>();
        Map<String, CompletableFuture<String>> manifests = new LinkedHashMap<>();
        if (top.has("manifests")) {
            for (JsonNode d : top.path("manifests")) {
                String name = platformName(d.path("platform"));
                if (!name.contains("unknown") && !d.path("annotations").has("vnd.docker.reference.type")) {
                    String digest = d.path("digest").asText();
                    digests.put(name, digest);
                    manifests.put(name, CompletableFuture.supplyAsync(() -> run(repo + "@" + digest, null)));
                }
            }
        }
        try {
            JsonNode image = m.readTree(run(ref, "{{json .Image}}"));
            Map<String, ImageHistory> out = new LinkedHashMap<>();
            if (manifests.isEmpty()) {
                out.put(platformName(image), history(null, top, image));
            } else {
                for (Map.Entry<String, CompletableFuture<String>> e : manifests.entrySet()) {
                    JsonNode manifest = m.readTree(e.getValue().join());
                    out.put(e.getKey(), history(digests.get(e.getKey()), manifest, image.path(e.getKey())));
                }
            }
            return Optional.of(out);
        } catch (CompletionException e) {
            throw e.getCause() instanceof NssimgException n ? n : e;
        } catch (IOException e) {
            throw NssimgException.failed("cannot read the manifests of " + ref + ": " + e.getMessage());
        }
    }

    /**
     * One platform's layers from its manifest and its image config: id is the manifest's digest where known (else
     * the config's), the diff IDs are the config's, and each history entry that made a layer carries that layer's
     * compressed size from the manifest (those marked empty_layer carry 0). Pure.
     */
    static ImageHistory history(String manifestDigest, JsonNode manifest, JsonNode config) {
        List<Long> sizes = new ArrayList<>();
        manifest.path("layers").forEach(l -> sizes.add(l.path("size").asLong(0)));
        List<String> diffIds = strings(config.path("rootfs").path("diff_ids"));
        List<ImageHistory.Entry> entries = new ArrayList<>();
        int layer = 0;
        for (JsonNode h : config.path("history")) {
            boolean empty = h.path("empty_layer").asBoolean(false);
            // a layer of 0 bytes would read as no layer: a gzip stream is never empty, so 1 is as honest as it gets
            long bytes = empty ? 0 : layer < sizes.size() ? Math.max(1, sizes.get(layer)) : 1;
            if (!empty) {
                layer++;
            }
            entries.add(new ImageHistory.Entry(h.path("created_by").asText(""), bytes));
        }
        long total = sizes.stream().mapToLong(Long::longValue).sum();
        String id = manifestDigest != null ? manifestDigest : manifest.path("config").path("digest").asText(null);
        return new ImageHistory(id, total, diffIds, entries);
    }

    private static String platformName(JsonNode p) {
        return p.path("os").asText() + "/" + p.path("architecture").asText()
                + (p.hasNonNull("variant") && !p.path("variant").asText().isEmpty() ? "/" + p.path("variant").asText() : "");
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
        DockerCli.Output o = cli.capture(format == null ? List.of("docker", "buildx", "imagetools", "inspect", "--raw", ref)
                : List.of("docker", "buildx", "imagetools", "inspect", ref, "--format", format), timeoutSeconds);
        if (!o.ok()) {
            String why = o.lastErrorLine();
            if (why.contains("not found") || why.contains("MANIFEST_UNKNOWN") || why.contains("NAME_UNKNOWN")) {
                throw NssimgException.failed(ref + " not found in its registry: " + why);
            }
            throw NssimgException.environment("cannot read " + ref + " from its registry: " + why);
        }
        return o.stdout();
    }
}
