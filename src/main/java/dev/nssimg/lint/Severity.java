package dev.nssimg.lint;

/** How much a finding matters to the build at hand; ERROR stops it. */
public enum Severity {
    ERROR, WARNING, NOTE;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
