package dev.nssimg.smoke;

/**
 * One smoke check's outcome. A warning passes (it fails nothing) but says something a user should know, such
 * as the platforms of one tag running different programs. A check that could not run here (a GPU check on a host
 * without GPUs, or under emulation) is "not run", with its reason: it passes nothing, and fails nothing unless the
 * caller required it to run (then it is a failure, not a not-run).
 */
public record Check(String platform, String name, boolean ok, String detail, boolean warning, boolean ran) {
    public Check {
        if (warning && !ok) {
            throw new IllegalArgumentException("a warning passes");
        }
        if (!ran && (!ok || warning)) {
            throw new IllegalArgumentException("a check not run neither passes with a warning nor fails");
        }
    }

    public Check(String platform, String name, boolean ok, String detail, boolean warning) {
        this(platform, name, ok, detail, warning, true);
    }

    public Check(String platform, String name, boolean ok, String detail) {
        this(platform, name, ok, detail, false, true);
    }

    public static Check warning(String platform, String name, String detail) {
        return new Check(platform, name, true, detail, true, true);
    }

    public static Check notRun(String platform, String name, String reason) {
        return new Check(platform, name, true, "not run: " + reason, false, false);
    }

    /** pass, warn, not run or FAIL, as the tables print it. */
    public String result() {
        return !ok ? "FAIL" : !ran ? "not run" : warning ? "warn" : "pass";
    }
}
