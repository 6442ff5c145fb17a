package dev.nssimg.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CleanupTest {
    @Test
    void aScopeRunsItsOwnActionsNewestFirstOnceAndReportsFailuresToItsOwner() throws Exception {
        StringWriter errText = new StringWriter();
        Cleanup.Scope scope = new Cleanup.Scope(new PrintWriter(errText));
        List<String> ran = new ArrayList<>();
        Cleanup.enter(scope);
        try {
            Cleanup.register(() -> ran.add("first"));
            AutoCloseable done = Cleanup.register(() -> ran.add("unregistered"));
            done.close();
            Cleanup.register(() -> {
                throw new IllegalStateException("engine gone");
            });
            // Threads started inside the invocation register in its scope too.
            Thread t = new Thread(() -> Cleanup.register(() -> ran.add("from a child thread")));
            t.start();
            t.join();
        } finally {
            Cleanup.leave();
        }
        scope.runAll();
        scope.runAll();
        assertEquals(List.of("from a child thread", "first"), ran);
        assertEquals("nssimg: cleanup failed: engine gone", errText.toString().strip());
    }

    @Test
    void twoScopesDoNotSeeEachOther() {
        Cleanup.Scope a = new Cleanup.Scope(null);
        Cleanup.Scope b = new Cleanup.Scope(null);
        List<String> ran = new ArrayList<>();
        Cleanup.enter(a);
        Cleanup.register(() -> ran.add("a"));
        Cleanup.enter(b);
        Cleanup.register(() -> ran.add("b"));
        Cleanup.leave();
        b.runAll();
        assertEquals(List.of("b"), ran);
        a.runAll();
        assertEquals(List.of("b", "a"), ran);
    }

    @Test
    void afterTheScopeRanNothingNewMayOutliveIt() {
        Cleanup.Scope scope = new Cleanup.Scope(null);
        List<String> ran = new ArrayList<>();
        Cleanup.enter(scope);
        try {
            Cleanup.checkNotInterrupted();
            scope.runAll(); // Ctrl-C
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.nssimg.error.NssimgException.class,
                    () -> Cleanup.register(() -> ran.add("container created just now")));
            assertEquals(dev.nssimg.error.ExitCode.INTERRUPTED, e.exitCode());
            assertEquals(List.of("container created just now"), ran, "removed at once");
            org.junit.jupiter.api.Assertions.assertThrows(dev.nssimg.error.NssimgException.class, Cleanup::checkNotInterrupted);
        } finally {
            Cleanup.leave();
        }
    }
}
