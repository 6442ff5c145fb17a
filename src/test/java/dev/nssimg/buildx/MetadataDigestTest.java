package dev.nssimg.buildx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataDigestTest {
    static final String DIGEST = "sha256:" + "a".repeat(64);

    @TempDir
    Path dir;

    @Test
    void buildxMetadataAndClassicImageIdFilesBothNameTheDigest() throws Exception {
        Path meta = Files.writeString(dir.resolve("m.json"), "{\n  \"buildx.build.ref\": \"b/b/x\",\n  \"containerimage.descriptor\": {"
                + "\"digest\": \"sha256:" + "c".repeat(64) + "\"},\n  \"containerimage.digest\": \"" + DIGEST + "\"\n}\n");
        assertEquals(DIGEST, MetadataDigest.read(meta));
        assertEquals(DIGEST, MetadataDigest.read(Files.writeString(dir.resolve("m.json.iid"), DIGEST + "\n")));
    }

    @Test
    void noFileOrNoDigestIsNull() throws Exception {
        assertNull(MetadataDigest.read(null));
        assertNull(MetadataDigest.read(dir.resolve("absent.json")));
        assertNull(MetadataDigest.read(Files.writeString(dir.resolve("empty.json"), "")));
        assertNull(MetadataDigest.read(Files.writeString(dir.resolve("push.json"), "{\"buildx.build.ref\": \"b/b/x\"}")));
        assertNull(MetadataDigest.read(Files.writeString(dir.resolve("cut.json"), "{\"containerimage.digest\": \"sha2")));
    }
}
