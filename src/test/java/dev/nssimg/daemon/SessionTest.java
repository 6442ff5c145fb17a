package dev.nssimg.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTest {
    @Test
    void commandsThatNeedAJvmOfTheirOwnAreSentBack() {
        assertTrue(Session.direct(List.of("run", "--profile", "example", "--", "sleep", "5")));
        assertTrue(Session.direct(List.of("daemon", "stop")));
        assertTrue(Session.direct(List.of("build", "-v")));
        assertTrue(Session.direct(List.of("build", "--verbose", "--dry-run")));
        assertTrue(Session.direct(List.of("smoke", "-vp", "example")), "-v in a cluster of short options");
        assertFalse(Session.direct(List.of("build", "--profile", "example")));
        assertFalse(Session.direct(List.of("smoke", "--image", "x", "--", "-v")), "after --, -v is not an option");
        assertFalse(Session.direct(List.of("--version")));
        assertFalse(Session.direct(List.of()));
    }

    @Test
    void idleLimitFromTheEnvironment() {
        assertEquals(900, Server.idleSeconds(null));
        assertEquals(900, Server.idleSeconds(" "));
        assertEquals(900, Server.idleSeconds("soon"));
        assertEquals(1, Server.idleSeconds("0"));
        assertEquals(30, Server.idleSeconds("30"));
    }
}
