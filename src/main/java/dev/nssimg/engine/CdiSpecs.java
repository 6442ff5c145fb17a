package dev.nssimg.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.nssimg.model.GpuRequest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The devices that CDI specs in a local engine's spec directories offer (what `nvidia-ctk cdi generate` writes:
 * kind nvidia.com/gpu, devices by index, UUID and "all"), as fully qualified names (nvidia.com/gpu=0). Specs
 * are YAML or JSON (.yaml, .yml, .json); unreadable ones are skipped, as the engine skips them.
 */
public final class CdiSpecs {
    public static final String GPU_KIND = GpuRequest.CDI_KIND;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private CdiSpecs() {}

    /** The devices of that kind in dirs; null when no dir exists here (the engine's files are elsewhere). */
    public static Set<String> devices(List<String> dirs, String kind) {
        Set<String> out = new TreeSet<>();
        boolean any = false;
        for (String d : dirs) {
            Path dir = Path.of(d);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            any = true;
            for (Path f : specFiles(dir)) {
                try {
                    JsonNode spec = YAML.readTree(f.toFile());
                    if (spec != null && kind.equals(spec.path("kind").asText())) {
                        spec.path("devices").forEach(dev -> {
                            String name = dev.path("name").asText("");
                            if (!name.isEmpty()) {
                                out.add(kind + "=" + name);
                            }
                        });
                    }
                } catch (IOException | RuntimeException e) {
                    // not a spec the engine could use either
                }
            }
        }
        return any ? out : null;
    }

    private static List<Path> specFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path f : s) {
                String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                if (Files.isRegularFile(f) && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"))) {
                    out.add(f);
                }
            }
        } catch (IOException e) {
            // unreadable: nothing offered
        }
        out.sort(null);
        return out;
    }
}
