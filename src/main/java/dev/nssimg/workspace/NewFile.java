package dev.nssimg.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A file that must not exist yet, written whole or not at all: a temporary file beside it, then a hard link. */
public final class NewFile {
    private NewFile() {}

    /** @throws java.nio.file.FileAlreadyExistsException when file exists (it is left as it was) */
    public static void create(Path file, String content) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try { // createTempFile makes it owner-only; a profiles file is an ordinary one
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its default applies
            }
            Files.createLink(abs, tmp); // link(2) fails when the name exists: no check-then-write race
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
