package dev.nssimg.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonsTest {
    @TempDir
    Path dir;

    Path file(String name, Duration age) throws Exception {
        Path f = Files.writeString(dir.resolve(name), "x");
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(age)));
        return f;
    }

    List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aStartingDaemonRemovesOnlyWhatGoneDaemonsLeftLongAgo() throws Exception {
        file("d-old.log", Duration.ofHours(3));
        file("d-old.lock", Duration.ofHours(3));
        file("d-recent.log", Duration.ofMinutes(5)); // a crash worth reading, or a daemon being started
        file("d-recent.lock", Duration.ofSeconds(1));
        file("other.log", Duration.ofHours(3)); // not ours
        Daemons.tidy(dir, Duration.ofHours(1));
        assertEquals(List.of("d-recent.lock", "d-recent.log", "other.log"), names());
        Daemons.tidy(dir); // `nssimg daemon stop`: everything of gone daemons
        assertEquals(List.of("other.log"), names());
    }
}
