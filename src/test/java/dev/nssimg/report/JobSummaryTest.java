package dev.nssimg.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.smoke.Check;
import dev.nssimg.testing.TestCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobSummaryTest {
    @TempDir
    Path dir;

    @Test
    void tablesKeepEachValueInItsCell() {
        assertEquals("### nssimg built a:1\n\n| | |\n|---|---|\n| digest | `sha256:1` |\n| note | a \\| b c |\n\n",
                JobSummary.table("nssimg built a:1", List.of(new String[] {"digest", "`sha256:1`"}, new String[] {"note", "a | b\nc"})));
        String smoke = JobSummary.smoke("a:1", List.of(new Check("linux/amd64", "user", true, "uid 1000"),
                new Check("linux/amd64", "help", false, "exit 1 | see log")));
        assertTrue(smoke.startsWith("### nssimg smoke a:1: 1 of 2 checks FAILED\n\n| platform | check | result | detail |\n"), smoke);
        assertTrue(smoke.contains("| linux/amd64 | help | **FAIL** | exit 1 \\| see log |\n"), smoke);
        assertTrue(JobSummary.smoke("a:1", List.of(new Check("linux/amd64", "user", true, "ok"))).contains("all 1 checks passed"));
    }

    @Test
    void aFailedCommandIsAppendedToTheJobSummary() throws Exception {
        Path summary = dir.resolve("summary.md");
        Files.writeString(summary, "an earlier step's section\n");
        TestCli.Result r = new TestCli().env("GITHUB_STEP_SUMMARY", summary.toString())
                .run("build", "--dry-run", "--platform", "linux/s390x");
        assertEquals(2, r.exit(), r.err());
        String text = Files.readString(summary);
        assertTrue(text.startsWith("an earlier step's section\n### nssimg build failed (exit 2)\n\n"), text);
        assertTrue(text.contains("linux/s390x"), text);
        assertEquals(1, r.err().strip().lines().count(), "still one line on stderr: " + r.err());
    }

    @Test
    void anUnwritableSummaryIsAWarningNotAFailure() throws Exception {
        Path notAFile = Files.createDirectory(dir.resolve("summary.md"));
        TestCli.Result r = new TestCli().env("GITHUB_STEP_SUMMARY", notAFile.toString())
                .run("build", "--dry-run", "--platform", "linux/s390x");
        assertEquals(2, r.exit(), "the command's own exit code");
        assertTrue(r.err().contains("nssimg: warning: GITHUB_STEP_SUMMARY=" + notAFile + ": cannot write the job summary"), r.err());
    }
}
