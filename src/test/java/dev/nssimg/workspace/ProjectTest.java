package dev.nssimg.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProjectTest {
    private static final Project P = new Project(Path.of("/work/Safe-Synthesizer"), Path.of("/work/Safe-Synthesizer/src"));

    @Test
    void stateLivesInTheUsersCacheKeyedByTheRootAndNeverInARelativePlace() {
        Path xdg = P.stateDir(Map.of("XDG_CACHE_HOME", "/c", "HOME", "/h"));
        assertTrue(xdg.toString().matches("/c/nssimg/projects/Safe-Synthesizer-[0-9a-f]{8}"), xdg.toString());
        assertEquals(Path.of("/h/.cache").resolve(xdg.getParent().getParent().getParent().relativize(xdg)),
                P.stateDir(Map.of("XDG_CACHE_HOME", "relative/cache", "HOME", "/h")), "a relative XDG_CACHE_HOME is ignored");
        Path noHome = P.stateDir(Map.of("HOME", "relative"));
        assertTrue(noHome.isAbsolute() && noHome.startsWith(Path.of(System.getProperty("user.home"))), noHome.toString());
        assertTrue(!P.stateDir(Map.of("HOME", "/h")).equals(new Project(Path.of("/other/Safe-Synthesizer"), Path.of("/")).stateDir(
                Map.of("HOME", "/h"))), "two checkouts of the same name keep apart");
    }
}
