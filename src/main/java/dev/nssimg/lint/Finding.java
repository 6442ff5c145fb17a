package dev.nssimg.lint;

/** One finding: where, which rule, how much it matters to this build, and what to do. */
public record Finding(String file, int line, String rule, Severity severity, String message) {

    /** file:line: rule: severity: message, as compilers print them; a flag's finding (line 0) names the flag. */
    public String text() {
        return file + (line > 0 ? ":" + line : "") + ": " + rule + ": " + severity.word() + ": " + message;
    }
}
