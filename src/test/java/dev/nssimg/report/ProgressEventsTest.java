package dev.nssimg.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nssimg.buildx.ProgressListener;
import dev.nssimg.runtime.Invocation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressEventsTest {
    private static final String SCHEMA = "{\"schema\":{\"name\":\"nssimg.build.event\",\"version\":2},";

    @Test
    void anEventIsOneFlatObjectInItsOrderAfterItsSchemaThenThePlatform() {
        StringWriter out = new StringWriter();
        Invocation inv = new Invocation(Map.of(), Path.of("/"), new PrintWriter(out, true), new PrintWriter(new StringWriter()),
                (a, e, c) -> null, i -> null);
        ProgressListener events = new Report(inv, true).progressEvents();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", "step-error");
        event.put("name", "[runtime 3/3] RUN \"x\" \\ y");
        event.put("cached", false);
        event.put("error", "exit code: 1\n\tat line 2");
        events.event(event, "linux/arm64");
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("event", "step");
        one.put("cached", true);
        events.event(one, null);
        assertEquals(SCHEMA + "\"event\":\"step-error\",\"name\":\"[runtime 3/3] RUN \\\"x\\\" \\\\ y\",\"cached\":false,"
                + "\"error\":\"exit code: 1\\n\\tat line 2\",\"platform\":\"linux/arm64\"}\n"
                + SCHEMA + "\"event\":\"step\",\"cached\":true}\n", out.toString(), "one platform: no platform key");
        assertNull(new Report(inv, false).progressEvents(), "without --json, buildx's own lines go to stderr");
    }
}
