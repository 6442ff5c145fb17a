package dev.nssimg.buildx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The digest a build wrote: buildx's --metadata-file (JSON), or the classic builder's --iidfile (the bare digest). */
final class MetadataDigest {
    private static final Pattern METADATA_DIGEST = Pattern.compile("\"containerimage\\.digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"");

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
            Matcher m = METADATA_DIGEST.matcher(text);
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
