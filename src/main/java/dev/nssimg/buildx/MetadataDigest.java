package dev.nssimg.buildx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The digest a build wrote: buildx's --metadata-file (JSON), or the classic builder's --iidfile (the bare digest). */
final class MetadataDigest {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetadataDigest() {}

    /** null when there is no file, or it names no digest. */
    static String read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            String text = Files.readString(file).trim();
            if (text.startsWith("sha256:")) { // an --iidfile of the classic builder
                return text;
            }
            JsonNode digest = JSON.readTree(text).path("containerimage.digest");
            return digest.isTextual() && DIGEST.matcher(digest.asText()).matches() ? digest.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
