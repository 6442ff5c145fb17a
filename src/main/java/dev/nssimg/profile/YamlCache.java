package dev.nssimg.profile;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed tree of a profiles file, kept next to the exact text it came
 * from. Parsing YAML is a quarter of a cold `nssimg build --dry-run` (the
 * YAML engine warming up); a cached tree is reused only when the file's
 * text is byte for byte the one it was made from, so it can never be stale.
 * A cache that cannot be read or written is ignored.
 */
final class YamlCache {
    private static final String MAGIC = "nssimg-yaml-cache 1\n";

    private YamlCache() {}

    static YamlNode load(String text, String file, Path cacheFile) {
        if (cacheFile != null) {
            try {
                String cached = Files.readString(cacheFile, StandardCharsets.UTF_8);
                YamlNode tree = decode(cached, text);
                if (tree != null) {
                    return tree;
                }
            } catch (IOException | RuntimeException e) {
                // missing or unreadable: parse below
            }
        }
        YamlNode tree = YamlNode.parse(new StringReader(text), file);
        if (cacheFile != null) {
            write(cacheFile, text, tree);
        }
        return tree;
    }

    private static void write(Path cacheFile, String text, YamlNode tree) {
        StringBuilder sb = new StringBuilder(MAGIC);
        str(sb, text);
        encode(sb, tree);
        try {
            Files.createDirectories(cacheFile.getParent());
            Path tmp = Files.createTempFile(cacheFile.getParent(), ".profiles", ".tmp");
            try {
                Files.writeString(tmp, sb, StandardCharsets.UTF_8);
                Files.move(tmp, cacheFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // a read-only checkout: no cache, no harm
        }
    }

    // Format: MAGIC, then the source text, then the tree; strings as "<length>:<chars>".
    // Scalar "S<line>:<string>" or "N<line>:" for null; list "Q<line>:<count>:" items;
    // mapping "M<line>:<count>:" then per entry "<keyLine>:<key string>" and the value node.

    static String encode(YamlNode node) {
        StringBuilder sb = new StringBuilder();
        encode(sb, node);
        return sb.toString();
    }

    private static void encode(StringBuilder sb, YamlNode node) {
        if (node instanceof YamlNode.Scalar s) {
            if (s.text() == null) {
                sb.append('N').append(s.line()).append(':');
            } else {
                sb.append('S').append(s.line()).append(':');
                str(sb, s.text());
            }
        } else if (node instanceof YamlNode.Seq q) {
            sb.append('Q').append(q.line()).append(':').append(q.items().size()).append(':');
            q.items().forEach(i -> encode(sb, i));
        } else if (node instanceof YamlNode.Mapping m) {
            sb.append('M').append(m.line()).append(':').append(m.entries().size()).append(':');
            m.entries().forEach((k, v) -> {
                sb.append(m.keyLines().get(k)).append(':');
                str(sb, k);
                encode(sb, v);
            });
        }
    }

    private static void str(StringBuilder sb, String s) {
        sb.append(s.length()).append(':').append(s);
    }

    /** The cached tree if the cache was made from exactly this text, else null. */
    static YamlNode decode(String cached, String text) {
        if (!cached.startsWith(MAGIC)) {
            return null;
        }
        Cursor c = new Cursor(cached, MAGIC.length());
        if (!c.string().equals(text)) {
            return null;
        }
        YamlNode tree = c.node();
        return c.pos == cached.length() ? tree : null;
    }

    private static final class Cursor {
        final String s;
        int pos;

        Cursor(String s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        int number() {
            int colon = s.indexOf(':', pos);
            int n = Integer.parseInt(s.substring(pos, colon));
            pos = colon + 1;
            return n;
        }

        String string() {
            int len = number();
            String out = s.substring(pos, pos + len);
            pos += len;
            return out;
        }

        YamlNode node() {
            char kind = s.charAt(pos++);
            int line = number();
            switch (kind) {
                case 'N':
                    return new YamlNode.Scalar(null, line);
                case 'S':
                    return new YamlNode.Scalar(string(), line);
                case 'Q': {
                    int n = number();
                    List<YamlNode> items = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        items.add(node());
                    }
                    return new YamlNode.Seq(List.copyOf(items), line);
                }
                case 'M': {
                    int n = number();
                    Map<String, YamlNode> entries = new LinkedHashMap<>();
                    Map<String, Integer> keyLines = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        int keyLine = number();
                        String key = string();
                        keyLines.put(key, keyLine);
                        entries.put(key, node());
                    }
                    return new YamlNode.Mapping(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(keyLines), line);
                }
                default:
                    throw new IllegalArgumentException("bad cache");
            }
        }
    }
}
