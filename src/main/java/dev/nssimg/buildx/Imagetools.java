package dev.nssimg.buildx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nssimg.engine.ImageFacts;
import dev.nssimg.error.NssimgException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    public Imagetools(DockerCli cli) {
        this.cli = cli;
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
                : List.of("docker", "buildx", "imagetools", "inspect", ref, "--format", format), 120);
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
