package dev.nssimg.dockerfile;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nssimg.testing.TestCli;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The build context's .dockerignore keeps what Dockerfile.cuda and uv need. */
class DockerignoreTest {
    @Test
    void whatTheBuildNeedsIsNotIgnored() throws Exception {
        List<String> patterns = Files.readAllLines(TestCli.ROOT.resolve(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("!")).toList();
        for (String needed : List.of("pyproject.toml", "uv.lock", "README.md", "LICENSE", "src", "containers",
                "containers/entrypoint.sh")) {
            for (String p : patterns) {
                String glob = p.replace(".", "\\.").replace("**/", "(.*/)?").replace("*", "[^/]*");
                assertFalse(needed.matches(glob) || needed.startsWith(p + "/"), ".dockerignore pattern '" + p + "' drops " + needed);
            }
        }
    }
}
