package dev.nssimg.smoke;

/**
 * One smoke check's outcome. A warning passes (it fails nothing) but says something a user should know, such
 * as the platforms of one tag running different programs.
 */
public record Check(String platform, String name, boolean ok, String detail, boolean warning) {
    public Check {
        if (warning && !ok) {
            throw new IllegalArgumentException("a warning passes");
        }
    }

    public Check(String platform, String name, boolean ok, String detail) {
        this(platform, name, ok, detail, false);
    }

    public static Check warning(String platform, String name, String detail) {
        return new Check(platform, name, true, detail, true);
    }

    /** pass, warn or FAIL, as the tables print it. */
    public String result() {
        return !ok ? "FAIL" : warning ? "warn" : "pass";
    }
}
