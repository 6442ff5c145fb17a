package dev.nssimg.error;

/** The one-line forms of multi-line text that errors and reports use. */
public final class Lines {
    private Lines() {}

    /** The first line, trimmed ("" for null). */
    public static String first(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    /** The last non-blank line, trimmed: usually what a tool says went wrong. */
    public static String last(String s) {
        String[] lines = s.strip().split("\\R");
        return lines.length == 0 ? "" : lines[lines.length - 1].trim();
    }

    /** All lines joined by single spaces ("" for null): a message that must stay on one line. */
    public static String joined(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
