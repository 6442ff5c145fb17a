package dev.nssimg.buildx;

import dev.nssimg.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** The --json line of a progress event: a flat object of its strings and booleans, then the platform it is of. */
final class ProgressEvents {
    private ProgressEvents() {}

    /** platform: null when the run builds one platform (its lines are not prefixed either). */
    static String line(Map<String, Object> event, String platform) {
        Map<String, String> raw = new LinkedHashMap<>();
        event.forEach((k, v) -> raw.put(k, v instanceof Boolean b ? b.toString() : Json.str(String.valueOf(v))));
        if (platform != null) {
            raw.put("platform", Json.str(platform));
        }
        return Json.object(raw);
    }
}
