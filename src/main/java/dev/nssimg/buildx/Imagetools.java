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
    public record Platform(String platform, String digest, ImageFacts facts) {}

    public record Index(String ref, String digest, String mediaType, List<Platform> platforms) {}

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
            if (manifest.has("manifests")) {
                for (JsonNode d : manifest.path("manifests")) {
                    JsonNode p = d.path("platform");
                    String name = p.path("os").asText() + "/" + p.path("architecture").asText()
                            + (p.hasNonNull("variant") ? "/" + p.path("variant").asText() : "");
                    if (name.contains("unknown") || d.path("annotations").has("vnd.docker.reference.type")) {
                        continue; // attestation manifests
                    }
                    platforms.add(new Platform(name, d.path("digest").asText(), facts(ref, name, image.path(name))));
                }
            } else {
                String name = image.path("os").asText() + "/" + image.path("architecture").asText();
                platforms.add(new Platform(name, manifest.path("digest").asText(), facts(ref, name, image)));
            }
            return new Index(ref, manifest.path("digest").asText(), manifest.path("mediaType").asText(), platforms);
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

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    private String run(String ref, String format) {
        DockerCli.Output o = cli.capture(List.of("docker", "buildx", "imagetools", "inspect", ref, "--format", format), 120);
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
