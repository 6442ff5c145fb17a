package dev.nssimg.buildx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** The --json line of a progress event: a flat object of its strings and booleans, then the platform it is of. */
final class ProgressEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProgressEvents() {}

    /** platform: null when the run builds one platform (its lines are not prefixed either). */
    static String line(Map<String, Object> event, String platform) {
        ObjectNode n = JSON.createObjectNode();
        event.forEach((k, v) -> {
            if (v instanceof Boolean b) {
                n.put(k, b);
            } else {
                n.put(k, String.valueOf(v));
            }
        });
        if (platform != null) {
            n.put("platform", platform);
        }
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of strings and booleans always writes
        }
    }
}
