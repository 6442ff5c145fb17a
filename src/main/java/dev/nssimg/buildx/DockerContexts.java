package dev.nssimg.buildx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The docker CLI's contexts, read from its configuration directory as the CLI stores them
 * (contexts/meta/HASH/meta.json: name and docker endpoint), without running docker: a build's plan
 * (and --dry-run) needs to know which builder names are engines. A name that is also a buildx
 * builder instance (buildx/instances/NAME) is the builder, as buildx resolves it. "default" is the
 * engine of DOCKER_HOST (else the default socket).
 */
public final class DockerContexts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerContexts() {}

    /** Context name to its engine address (unreadable entries are skipped: the CLI would not use them either). */
    public static Map<String, String> read(Path configDir, String dockerHost) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("default", dockerHost);
        Path meta = configDir.resolve("contexts").resolve("meta");
        if (Files.isDirectory(meta)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(meta)) {
                for (Path d : dirs) {
                    Path f = d.resolve("meta.json");
                    if (!Files.isRegularFile(f)) {
                        continue;
                    }
                    try {
                        JsonNode n = JSON.readTree(f.toFile());
                        String name = n.path("Name").asText("");
                        String host = n.path("Endpoints").path("docker").path("Host").asText("");
                        if (!name.isEmpty() && !host.isEmpty()) {
                            out.put(name, host);
                        }
                    } catch (IOException e) {
                        // a broken entry: not an engine nssimg can name
                    }
                }
            } catch (IOException e) {
                // no readable context store: only "default"
            }
        }
        Path instances = configDir.resolve("buildx").resolve("instances");
        out.keySet().removeIf(name -> !name.equals("default") && Files.isRegularFile(instances.resolve(name)));
        return out;
    }
}
