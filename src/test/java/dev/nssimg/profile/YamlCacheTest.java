package dev.nssimg.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.error.NssimgException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlCacheTest {
    static final String YAML = "defaults:\n  image: \"a:1\"\n  platforms: [linux/amd64, linux/arm64]\n  builder: ~\n"
            + "profiles:\n  x:\n    args: {K: \"v:with:colons\", E: \"\"}\n  \"we ird\": {}\n";

    @Test
    void aCachedTreeIsTheParsedTree(@TempDir Path dir) throws Exception {
        YamlNode parsed = YamlNode.parse(new StringReader(YAML), "p.yaml");
        Path cache = dir.resolve("c/p.cache");
        assertEquals(parsed, YamlCache.load(YAML, "p.yaml", cache), "first load parses");
        assertTrue(Files.isRegularFile(cache));
        assertEquals(parsed, YamlCache.decode(Files.readString(cache), YAML), "the cache decodes to the same tree");
        assertEquals(parsed, YamlCache.load(YAML, "p.yaml", cache));
    }

    @Test
    void aChangedFileIsNeverServedFromTheCache(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("p.cache");
        YamlCache.load(YAML, "p.yaml", cache);
        String edited = YAML.replace("a:1", "a:2");
        assertNull(YamlCache.decode(Files.readString(cache), edited));
        YamlNode tree = YamlCache.load(edited, "p.yaml", cache);
        assertEquals(YamlNode.parse(new StringReader(edited), "p.yaml"), tree);
    }

    @Test
    void brokenCachesAndSyntaxErrorsBehave(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("p.cache");
        Files.writeString(cache, "nssimg-yaml-cache 1\n999:garbage");
        assertEquals(YamlNode.parse(new StringReader(YAML), "p.yaml"), YamlCache.load(YAML, "p.yaml", cache));
        NssimgException e = assertThrows(NssimgException.class, () -> YamlCache.load("a: [x\n", "bad.yaml", cache));
        assertTrue(e.getMessage().startsWith("bad.yaml:"), e.getMessage());
        // A cache directory that cannot be written is no error.
        Path ro = Files.createDirectory(dir.resolve("ro"));
        ro.toFile().setWritable(false);
        Path blocked = Files.writeString(dir.resolve("file"), "x").resolve("sub/p.cache");
        assertEquals(YamlNode.parse(new StringReader(YAML), "p.yaml"), YamlCache.load(YAML, "p.yaml", blocked));
    }
}
