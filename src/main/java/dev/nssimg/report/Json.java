package dev.nssimg.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every JSON document nssimg prints, through Jackson. Each starts with its schema, a name and a version,
 * so that scripts can check what they read; a change to a document's shape bumps its version.
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** The documents nssimg prints with --json, and their current versions (listed in the README). */
    public enum Schema {
        PLAN("nssimg.plan", 1),
        BUILD_EVENT("nssimg.build.event", 2),
        SMOKE("nssimg.smoke", 4),
        DOCTOR("nssimg.doctor", 1),
        IMAGE("nssimg.inspect.image", 1),
        INDEX("nssimg.inspect.index", 2),
        CHECK("nssimg.check", 1),
        VERIFY("nssimg.verify", 1),
        SIGNATURES("nssimg.signatures", 1);

        private final String id;
        private final int version;

        Schema(String id, int version) {
            this.id = id;
            this.version = version;
        }

        public String id() {
            return id;
        }

        public int version() {
            return version;
        }
    }

    /** A new document of that schema: {"schema":{"name":...,"version":...}}, fields to follow. */
    public static ObjectNode document(Schema schema) {
        ObjectNode doc = MAPPER.createObjectNode();
        doc.putObject("schema").put("name", schema.id()).put("version", schema.version());
        return doc;
    }

    /** Strings as an array. */
    public static ArrayNode strings(List<String> items) {
        ArrayNode a = MAPPER.createArrayNode();
        items.forEach(a::add);
        return a;
    }

    /** Strings by key, keys sorted. */
    public static ObjectNode strings(Map<String, String> m) {
        ObjectNode o = MAPPER.createObjectNode();
        new TreeMap<>(m).forEach(o::put);
        return o;
    }

    /** One line of compact JSON. */
    public static String line(ObjectNode doc) {
        try {
            return MAPPER.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
