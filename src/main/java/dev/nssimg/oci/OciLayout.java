package dev.nssimg.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An OCI image layout tarball as BuildKit's oci exporter writes it: index.json, an index per build (several
 * platforms, attestations) and blobs/sha256/*. Reads each platform's manifest (attestation manifests apart), and
 * compares two builds' layers file by file. Reads only the tarballs it is given.
 */
public final class OciLayout {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Blobs read into memory on the first pass: indexes, manifests and configs are small; layers are streamed. */
    private static final long SMALL = 4L << 20;

    /** One platform's image: its manifest's digest, its config's and its layers', in order. */
    public record Image(String platform, String digest, String config, List<String> layers) {}

    private final Path tarball;
    private final Map<String, byte[]> small;

    private OciLayout(Path tarball, Map<String, byte[]> small) {
        this.tarball = tarball;
        this.small = small;
    }

    public static OciLayout read(Path tarball) throws IOException {
        Map<String, byte[]> small = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tarball)))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
                if (e.isFile() && e.getSize() <= SMALL) {
                    small.put(normalize(e.getName()), tar.readAllBytes());
                }
            }
        }
        if (!small.containsKey("index.json")) {
            throw new IOException(tarball + " is not an OCI layout (no index.json)");
        }
        return new OciLayout(tarball, small);
    }

    /** Each platform's image, by platform ("linux/arm64"), in the index's order. */
    public Map<String, Image> images() throws IOException {
        Map<String, Image> out = new LinkedHashMap<>();
        collect(JSON.readTree(small.get("index.json")), out);
        return out;
    }

    private void collect(JsonNode index, Map<String, Image> out) throws IOException {
        for (JsonNode d : index.path("manifests")) {
            String media = d.path("mediaType").asText();
            String digest = d.path("digest").asText();
            if (d.path("annotations").has("vnd.docker.reference.type")) {
                continue; // an attestation manifest: it records the build's own time and id
            }
            if (media.endsWith("image.index.v1+json") || media.endsWith("manifest.list.v2+json")) {
                collect(JSON.readTree(blob(digest)), out);
                continue;
            }
            JsonNode p = d.path("platform");
            JsonNode m = JSON.readTree(blob(digest));
            String platform = p.isMissingNode() ? platformOf(m) : p.path("os").asText() + "/" + p.path("architecture").asText()
                    + (p.hasNonNull("variant") ? "/" + p.path("variant").asText() : "");
            List<String> layers = new ArrayList<>();
            m.path("layers").forEach(l -> layers.add(l.path("digest").asText()));
            out.putIfAbsent(platform, new Image(platform, digest, m.path("config").path("digest").asText(), layers));
        }
    }

    private String platformOf(JsonNode manifest) throws IOException {
        JsonNode c = JSON.readTree(blob(manifest.path("config").path("digest").asText()));
        return c.path("os").asText() + "/" + c.path("architecture").asText();
    }

    private byte[] blob(String digest) throws IOException {
        byte[] b = small.get("blobs/" + digest.replace(':', '/'));
        if (b == null) {
            throw new IOException(tarball + ": blob " + digest + " is missing");
        }
        return b;
    }

    /**
     * What differs between this platform's image and other's: the config's fields, and for each layer that differs
     * the files in it (content, size, mode, owner, time, link; present in one build only). At most limit lines.
     */
    public List<String> differences(OciLayout other, String platform, int limit) throws IOException {
        Image a = images().get(platform);
        Image b = other.images().get(platform);
        List<String> out = new ArrayList<>();
        if (a == null || b == null) {
            out.add(platform + " is missing from " + (a == null ? "the first" : "the second") + " build");
            return out;
        }
        if (!a.config().equals(b.config())) {
            List<String> fields = new ArrayList<>();
            diffJson("", JSON.readTree(blob(a.config())), JSON.readTree(other.blob(b.config())), fields);
            out.add("config " + shortDigest(a.config()) + " vs " + shortDigest(b.config()) + ": " + (fields.isEmpty() ? "same fields"
                    : String.join(", ", fields.subList(0, Math.min(8, fields.size())))
                            + (fields.size() > 8 ? " and " + (fields.size() - 8) + " more" : "")));
        }
        if (a.layers().size() != b.layers().size()) {
            out.add("layers: " + a.layers().size() + " vs " + b.layers().size());
        }
        for (int i = 0; i < Math.min(a.layers().size(), b.layers().size()) && out.size() < limit; i++) {
            String la = a.layers().get(i);
            String lb = b.layers().get(i);
            if (la.equals(lb)) {
                continue;
            }
            Map<String, String> fa = files(la);
            Map<String, String> fb = other.files(lb);
            List<String> files = new ArrayList<>();
            Set<String> names = new TreeSet<>(fa.keySet());
            names.addAll(fb.keySet());
            for (String n : names) {
                String x = fa.get(n);
                String y = fb.get(n);
                if (x == null || y == null) {
                    files.add("/" + n + " (only in the " + (x == null ? "second" : "first") + " build)");
                } else if (!x.equals(y)) {
                    files.add("/" + n + " (" + fileDiff(x, y) + ")");
                }
            }
            out.add("layer " + (i + 1) + " " + shortDigest(la) + " vs " + shortDigest(lb) + ": " + (files.isEmpty()
                    ? "same files, other bytes (tar order or compression)"
                    : String.join(", ", files.subList(0, Math.min(10, files.size())))
                            + (files.size() > 10 ? " and " + (files.size() - 10) + " more" : "")));
        }
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    private static String shortDigest(String d) {
        return d.length() > 19 ? d.substring(0, 19) : d;
    }

    /** A layer's files: path -> "type size mode uid:gid mtime link sha256" (streamed from the tarball). */
    private Map<String, String> files(String digest) throws IOException {
        String name = "blobs/" + digest.replace(':', '/');
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tarball)))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
                if (normalize(e.getName()).equals(name)) {
                    return entries(tar);
                }
            }
        }
        throw new IOException(tarball + ": layer " + digest + " is missing");
    }

    private static Map<String, String> entries(InputStream blob) throws IOException {
        BufferedInputStream in = new BufferedInputStream(blob);
        in.mark(2);
        boolean gzip = in.read() == 0x1f & in.read() == 0x8b;
        in.reset();
        Map<String, String> out = new TreeMap<>();
        TarArchiveInputStream layer = new TarArchiveInputStream(gzip ? new GZIPInputStream(in) : in);
        for (TarArchiveEntry e; (e = layer.getNextEntry()) != null;) {
            String type = e.isDirectory() ? "dir" : e.isSymbolicLink() ? "symlink" : e.isLink() ? "hardlink" : e.isFile() ? "file" : "other";
            String hash = e.isFile() ? sha256(layer) : "-";
            out.put(normalize(e.getName()), String.join(" ", type, Long.toString(e.getSize()), Integer.toOctalString(e.getMode()),
                    e.getLongUserId() + ":" + e.getLongGroupId(), Instant.ofEpochMilli(e.getModTime().getTime()).toString(),
                    e.getLinkName().isEmpty() ? "-" : e.getLinkName(), hash));
        }
        return out;
    }

    /** What differs between two of entries()'s summaries. */
    private static String fileDiff(String x, String y) {
        String[] a = x.split(" ");
        String[] b = y.split(" ");
        String[] what = {"type", "size", "mode", "owner", "time", "link", "content"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < what.length; i++) {
            if (!a[i].equals(b[i])) {
                out.add(what[i].equals("time") ? "time " + a[i] + " vs " + b[i] : what[i]);
            }
        }
        return String.join(", ", out) + " differ" + (out.size() == 1 && !out.get(0).startsWith("time") ? "s" : "");
    }

    private static void diffJson(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                diffJson(path.isEmpty() ? k : path + "." + k, a.path(k), b.path(k), out);
            }
        } else if (!a.equals(b)) {
            out.add(path);
        }
    }

    private static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String normalize(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }
}
