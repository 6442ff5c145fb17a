package dev.nssimg.smoke;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import dev.nssimg.json.Json;
import java.util.List;

/** Renders smoke results: a table for people, JSON for tools, JUnit XML for CI. */
public final class Reports {
    private Reports() {}

    public static void table(List<Check> checks, PrintWriter out) {
        int pw = Math.max(8, checks.stream().mapToInt(c -> c.platform().length()).max().orElse(0));
        int nw = Math.max(5, checks.stream().mapToInt(c -> c.name().length()).max().orElse(0));
        String fmt = "%-" + pw + "s  %-" + nw + "s  %-6s  %s%n";
        out.printf(fmt, "PLATFORM", "CHECK", "RESULT", "DETAIL");
        for (Check c : checks) {
            out.printf(fmt, c.platform(), c.name(), c.ok() ? "pass" : "FAIL", c.detail());
        }
        long failed = checks.stream().filter(c -> !c.ok()).count();
        out.printf("%d passed, %d failed%n", checks.size() - failed, failed);
        out.flush();
    }

    public static String json(String image, List<Check> checks) {
        StringBuilder sb = new StringBuilder("{\"image\":").append(Json.str(image)).append(",\"passed\":")
                .append(checks.stream().allMatch(Check::ok)).append(",\"checks\":[");
        for (int i = 0; i < checks.size(); i++) {
            Check c = checks.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"platform\":").append(Json.str(c.platform())).append(",\"check\":")
                    .append(Json.str(c.name())).append(",\"ok\":").append(c.ok()).append(",\"detail\":").append(Json.str(c.detail())).append('}');
        }
        return sb.append("]}").toString();
    }

    public static String junit(String image, List<Check> checks) {
        long failures = checks.stream().filter(c -> !c.ok()).count();
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<testsuite name=\"nssimg smoke ").append(x(image)).append("\" tests=\"").append(checks.size())
                .append("\" failures=\"").append(failures).append("\" errors=\"0\" skipped=\"0\">\n");
        for (Check c : checks) {
            sb.append("  <testcase classname=\"smoke.").append(x(c.platform())).append("\" name=\"").append(x(c.name())).append('"');
            if (c.ok()) {
                sb.append("/>\n");
            } else {
                sb.append(">\n    <failure message=\"").append(x(c.detail())).append("\"/>\n  </testcase>\n");
            }
        }
        return sb.append("</testsuite>\n").toString();
    }

    /** Writes via a temporary file and a rename, so a reader never sees a half-written report. */
    public static void writeAtomically(Path file, String content) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String x(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
