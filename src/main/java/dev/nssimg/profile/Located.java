package dev.nssimg.profile;

/** A value and where it came from ("default", "containers/profiles.yaml:12", "env X", "flag --y"). */
public record Located<T>(T value, String origin) {
    public static <T> Located<T> of(T value, String origin) {
        return new Located<>(value, origin);
    }
}
