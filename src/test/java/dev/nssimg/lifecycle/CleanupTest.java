package dev.nssimg.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class CleanupTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @Test
    void aScopeRunsItsOwnActionsNewestFirstOnceAndReportsFailuresToItsOwner() throws Exception {
        StringWriter errText = new StringWriter();
        Cleanup scope = new Cleanup(new PrintWriter(errText));
        List<String> ran = new ArrayList<>();
        scope.register(act(() -> ran.add("first")));
        AutoCloseable done = scope.register(act(() -> ran.add("unregistered")));
        done.close();
        scope.register(new Cleanup.Action("container abc", "docker rm -f abc", () -> {
            throw new IllegalStateException("engine gone");
        }));
        // Threads the invocation starts register in the scope they were handed.
        Thread t = new Thread(() -> scope.register(act(() -> ran.add("from another thread"))));
        t.start();
        t.join();
        scope.runAll(BOUND);
        scope.runAll(BOUND);
        assertEquals(List.of("from another thread", "first"), ran);
        assertEquals("nssimg: could not clean up container abc: engine gone; remove it with: docker rm -f abc", errText.toString().strip());
    }

    @Test
    void twoScopesDoNotSeeEachOther() {
        Cleanup a = new Cleanup(new PrintWriter(new StringWriter()));
        Cleanup b = new Cleanup(new PrintWriter(new StringWriter()));
        List<String> ran = new ArrayList<>();
        a.register(act(() -> ran.add("a")));
        b.register(act(() -> ran.add("b")));
        b.runAll(BOUND);
        assertEquals(List.of("b"), ran);
        a.checkNotInterrupted(); // b's Ctrl-C is not a's
        a.runAll(BOUND);
        assertEquals(List.of("b", "a"), ran);
    }

    @Test
    void afterTheScopeRanNothingNewMayOutliveIt() {
        Cleanup scope = new Cleanup(new PrintWriter(new StringWriter()));
        List<String> ran = new ArrayList<>();
        scope.checkNotInterrupted();
        scope.runAll(BOUND); // Ctrl-C
        NssimgException e = assertThrows(NssimgException.class, () -> scope.register(act(() -> ran.add("container created just now"))));
        assertEquals(ExitCode.INTERRUPTED, e.exitCode());
        assertEquals(List.of("container created just now"), ran, "removed at once");
        assertThrows(NssimgException.class, scope::checkNotInterrupted);
    }

    @Test
    void aTeardownThatOutlastsItsBoundNamesWhatIsLeftAndHowToRemoveIt() {
        StringWriter errText = new StringWriter();
        Cleanup scope = new Cleanup(new PrintWriter(errText));
        CountDownLatch engineAnswers = new CountDownLatch(1);
        List<String> ran = new ArrayList<>();
        scope.register(new Cleanup.Action("container stuck", "docker rm -f stuck", () -> {
            try {
                engineAnswers.await(); // an engine that does not answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        scope.register(act(() -> ran.add("buildx stopped"))); // newest: runs first
        long t0 = System.nanoTime();
        assertFalse(scope.runAll(Duration.ofMillis(300)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        engineAnswers.countDown();
        assertTrue(ms >= 300 && ms < 10_000, "returned at its bound, not when the engine answered: " + ms + " ms");
        assertEquals(List.of("buildx stopped"), ran);
        assertEquals("nssimg: cleanup not done after 0 s: container stuck may be left; remove it with: docker rm -f stuck",
                errText.toString().strip());
    }

    @Test
    void givingUpBeforeTheTeardownBeganNamesEverythingRegistered() {
        StringWriter errText = new StringWriter();
        Cleanup scope = new Cleanup(new PrintWriter(errText));
        scope.register(new Cleanup.Action("container one", "docker rm -f one", () -> {}));
        scope.register(new Cleanup.Action("the build's docker processes", null, () -> {}));
        scope.giveUp("interrupted again");
        assertEquals(List.of("nssimg: cleanup interrupted again: container one may be left; remove it with: docker rm -f one",
                "nssimg: cleanup interrupted again: the build's docker processes may be left"), errText.toString().lines().toList());
    }

    private static Cleanup.Action act(Runnable r) {
        return new Cleanup.Action("test action", null, r);
    }

    @Test
    void debugLoggingIsPerInvocation() {
        Log verbose = new Log();
        verbose.enableDebug();
        assertTrue(verbose.enabled());
        assertFalse(new Log().enabled(), "one -v invocation does not turn on the next one's debug output");
    }
}
