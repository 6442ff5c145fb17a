package dev.nssimg.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CleanupTest {
    @Test
    void aScopeRunsItsOwnActionsNewestFirstOnceAndReportsFailuresToItsOwner() throws Exception {
        StringWriter errText = new StringWriter();
        Cleanup scope = new Cleanup(new PrintWriter(errText));
        List<String> ran = new ArrayList<>();
        scope.register(() -> ran.add("first"));
        AutoCloseable done = scope.register(() -> ran.add("unregistered"));
        done.close();
        scope.register(() -> {
            throw new IllegalStateException("engine gone");
        });
        // Threads the invocation starts register in the scope they were handed.
        Thread t = new Thread(() -> scope.register(() -> ran.add("from another thread")));
        t.start();
        t.join();
        scope.runAll();
        scope.runAll();
        assertEquals(List.of("from another thread", "first"), ran);
        assertEquals("nssimg: cleanup failed: engine gone", errText.toString().strip());
    }

    @Test
    void twoScopesDoNotSeeEachOther() {
        Cleanup a = new Cleanup(new PrintWriter(new StringWriter()));
        Cleanup b = new Cleanup(new PrintWriter(new StringWriter()));
        List<String> ran = new ArrayList<>();
        a.register(() -> ran.add("a"));
        b.register(() -> ran.add("b"));
        b.runAll();
        assertEquals(List.of("b"), ran);
        a.checkNotInterrupted(); // b's Ctrl-C is not a's
        a.runAll();
        assertEquals(List.of("b", "a"), ran);
    }

    @Test
    void afterTheScopeRanNothingNewMayOutliveIt() {
        Cleanup scope = new Cleanup(new PrintWriter(new StringWriter()));
        List<String> ran = new ArrayList<>();
        scope.checkNotInterrupted();
        scope.runAll(); // Ctrl-C
        NssimgException e = assertThrows(NssimgException.class, () -> scope.register(() -> ran.add("container created just now")));
        assertEquals(ExitCode.INTERRUPTED, e.exitCode());
        assertEquals(List.of("container created just now"), ran, "removed at once");
        assertThrows(NssimgException.class, scope::checkNotInterrupted);
    }

    @Test
    void debugLoggingIsPerInvocation() {
        Log verbose = new Log();
        verbose.enableDebug();
        assertTrue(verbose.enabled());
        assertFalse(new Log().enabled(), "one -v invocation does not turn on the next one's debug output");
    }
}
