package dev.nssimg.report;

import dev.nssimg.smoke.Check;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * GitHub Actions' job summary: when GITHUB_STEP_SUMMARY names a file, build and smoke append a Markdown
 * section to it (what was built, the smoke checks), which the run's page shows. Elsewhere nothing happens.
 * A summary that cannot be written is a warning: the build itself is not failed for it.
 */
public final class JobSummary {
    public static final String VARIABLE = "GITHUB_STEP_SUMMARY";

    private JobSummary() {}

    /** Appends markdown to the file GITHUB_STEP_SUMMARY names (relative to cwd), if any; a failure is a warning on err. */
    public static void append(Map<String, String> env, Path cwd, PrintWriter err, String markdown) {
        String file = env.get(VARIABLE);
        if (file == null || file.isBlank()) {
            return;
        }
        Path path = cwd.resolve(file);
        try {
            // One write of the whole section, appended: steps before this one keep theirs.
            Files.writeString(path, markdown, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            err.println("nssimg: warning: " + VARIABLE + "=" + file + ": cannot write the job summary: " + e.getMessage());
            err.flush();
        }
    }

    /** A two-column table of name and value under a heading. */
    public static String table(String heading, List<String[]> rows) {
        StringBuilder sb = new StringBuilder("### ").append(cell(heading)).append("\n\n| | |\n|---|---|\n");
        for (String[] r : rows) {
            sb.append("| ").append(cell(r[0])).append(" | ").append(cell(r[1])).append(" |\n");
        }
        return sb.append('\n').toString();
    }

    /** The smoke checks as a table, with a count of failures in the heading. */
    public static String smoke(String image, List<Check> checks) {
        long failed = checks.stream().filter(c -> !c.ok()).count();
        long notRun = checks.stream().filter(c -> !c.ran()).count();
        String ran = notRun == 0 ? "" : ", " + notRun + " not run";
        StringBuilder sb = new StringBuilder("### nssimg smoke ").append(cell(image)).append(": ")
                .append(failed == 0 && notRun == 0 ? "all " + checks.size() + " checks passed"
                        : failed == 0 ? (checks.size() - notRun) + " passed" + ran : failed + " of " + checks.size() + " checks FAILED" + ran)
                .append("\n\n| platform | check | result | detail |\n|---|---|---|---|\n");
        for (Check c : checks) {
            sb.append("| ").append(cell(c.platform())).append(" | ").append(cell(c.name())).append(" | ")
                    .append(c.ok() ? c.result() : "**FAIL**").append(" | ").append(cell(c.detail())).append(" |\n");
        }
        return sb.append('\n').toString();
    }

    /** A command that failed: its one-line message and exit code. */
    public static String failure(String command, int exit, String message) {
        return "### " + cell(command) + " failed (exit " + exit + ")\n\n" + cell(message) + "\n\n";
    }

    /** Text made safe for one Markdown table cell: no line breaks, pipes escaped. */
    static String cell(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
