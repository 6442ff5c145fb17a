package dev.nssimg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.daemon.Server;
import dev.nssimg.testing.TestCli;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The daemon is found by its main class: the name the client starts and `daemon status` looks for are the class's. */
class EntryPointsTest {
    @Test
    void theDaemonsMainClassIsNamedTheSameEverywhere() throws Exception {
        assertEquals(DaemonMain.class.getName(), Server.MAIN_CLASS);
        String client = Files.readString(TestCli.ROOT.resolve("src/main/c/nssimg-client.c"));
        assertTrue(client.contains("\"" + Server.MAIN_CLASS + "\""), "the native client starts " + Server.MAIN_CLASS);
    }
}
