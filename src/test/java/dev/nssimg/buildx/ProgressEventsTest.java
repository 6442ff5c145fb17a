package dev.nssimg.buildx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressEventsTest {
    @Test
    void anEventIsOneFlatObjectInItsOrderThenThePlatform() {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", "step-error");
        event.put("name", "[runtime 3/3] RUN \"x\" \\ y");
        event.put("cached", false);
        event.put("error", "exit code: 1\n\tat line 2");
        assertEquals("{\"event\":\"step-error\",\"name\":\"[runtime 3/3] RUN \\\"x\\\" \\\\ y\",\"cached\":false,"
                + "\"error\":\"exit code: 1\\n\\tat line 2\",\"platform\":\"linux/arm64\"}", ProgressEvents.line(event, "linux/arm64"));
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("event", "step");
        one.put("cached", true);
        assertEquals("{\"event\":\"step\",\"cached\":true}", ProgressEvents.line(one, null), "one platform: no platform key");
    }
}
