package dev.nssimg.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/** What nssimg reads of a Python project's pyproject.toml: the names of its extras ([project.optional-dependencies]). */
public final class Pyproject {
    private Pyproject() {}

    /** The extras of dir/pyproject.toml, in the file's order; null when there is none or it cannot be read as TOML. */
    public static Set<String> extras(Path dir) {
        Path f = dir.resolve("pyproject.toml");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            JsonNode deps = new TomlMapper().readTree(Files.readString(f)).path("project").path("optional-dependencies");
            if (!deps.isObject()) {
                return null;
            }
            Set<String> out = new LinkedHashSet<>();
            deps.fieldNames().forEachRemaining(out::add);
            return out;
        } catch (IOException | RuntimeException e) {
            return null; // not nssimg's to judge: the build will say
        }
    }
}
