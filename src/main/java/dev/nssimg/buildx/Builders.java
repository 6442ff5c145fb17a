package dev.nssimg.buildx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The buildx builders of `docker buildx ls --format json` (one JSON object a line). */
public final class Builders {
    private Builders() {}

    /** A builder: name, driver and the platforms of all its nodes. */
    public record Builder(String name, String driver, List<String> platforms) {
        public Builder {
            platforms = List.copyOf(platforms);
        }
    }

    /** The builders (buildx 0.13 prints some twice: kept once); empty when the output is not JSON (older buildx). */
    public static List<Builder> parse(String lsJson) {
        Map<String, Builder> out = new LinkedHashMap<>();
        ObjectMapper m = new ObjectMapper();
        for (String line : lsJson.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode b = m.readTree(line);
                List<String> platforms = new ArrayList<>();
                for (JsonNode n : b.path("Nodes")) {
                    n.path("Platforms").forEach(p -> platforms.add(p.asText()));
                }
                Builder builder = new Builder(b.path("Name").asText(), b.path("Driver").asText(), platforms);
                out.putIfAbsent(builder.toString(), builder);
            } catch (IOException e) {
                // not JSON: the caller shows the raw output
            }
        }
        return List.copyOf(out.values());
    }

    /** Every platform any builder can build. */
    public static Set<String> platforms(List<Builder> builders) {
        Set<String> all = new LinkedHashSet<>();
        builders.forEach(b -> all.addAll(b.platforms()));
        return all;
    }
}
