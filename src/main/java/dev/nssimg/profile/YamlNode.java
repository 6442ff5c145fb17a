package dev.nssimg.profile;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.nssimg.error.Lines;
import dev.nssimg.error.NssimgException;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML tree that keeps the line of every node, so validation can say
 * "profiles.yaml:14: ..." instead of only naming a key. Jackson's own tree
 * model drops locations, hence this small reader over the streaming parser.
 */
public sealed interface YamlNode {
    int line();

    record Scalar(String text, int line) implements YamlNode {}

    record Seq(List<YamlNode> items, int line) implements YamlNode {}

    /** Keys keep file order; keyLines holds each key's own line. */
    record Mapping(Map<String, YamlNode> entries, Map<String, Integer> keyLines, int line) implements YamlNode {}

    /** One factory for every parse (factories are thread-safe; making one is most of a small file's parse). */
    final class Factory {
        static final YAMLFactory YAML = new YAMLFactory();

        private Factory() {}
    }

    static YamlNode parse(Reader reader, String file) {
        try (JsonParser p = Factory.YAML.createParser(reader)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new Mapping(Map.of(), Map.of(), 1);
            }
            return read(p, file);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? file : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
            throw NssimgException.usage(where + ": invalid YAML: " + (e.getOriginalMessage() == null ? "syntax error" : Lines.first(e.getOriginalMessage())));
        } catch (IOException e) {
            throw NssimgException.usage(file + ": cannot read: " + e.getMessage());
        }
    }

    private static YamlNode read(JsonParser p, String file) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, YamlNode> entries = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    if (entries.containsKey(key)) {
                        throw NssimgException.usage(file + ":" + keyLine + ": duplicate key '" + key + "'");
                    }
                    p.nextToken();
                    entries.put(key, read(p, file));
                    keyLines.put(key, keyLine);
                }
                return new Mapping(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(keyLines), line);
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p, file));
                }
                return new Seq(List.copyOf(items), line);
            }
            case VALUE_NULL -> {
                return new Scalar(null, line);
            }
            default -> {
                return new Scalar(p.getText(), line);
            }
        }
    }

}
