package dev.nssimg.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The one way a report file is written: a temporary file beside it, then a rename, so no reader sees half of it. */
public final class AtomicFile {
    private AtomicFile() {}

    public static void writeAtomically(Path file, String content) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        java.nio.file.Files.createDirectories(dir);
        Path tmp = java.nio.file.Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            java.nio.file.Files.writeString(tmp, content, StandardCharsets.UTF_8);
            java.nio.file.Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }
}
