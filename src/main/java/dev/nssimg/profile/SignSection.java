package dev.nssimg.profile;

import java.util.List;

/**
 * A profile's {@code sign:} section as written: the key reference, or keyless with the certificate identity and
 * issuer a verification expects, and whether the transparency log is used. Null fields inherit.
 */
public record SignSection(Located<String> key, Located<String> keyless, Located<String> identity, Located<String> issuer,
        Located<String> tlog) {
    public static final List<String> KEYS = List.of("key", "keyless", "identity", "issuer", "tlog");
    public static final SignSection NONE = new SignSection(null, null, null, null, null);

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** This section over base: each field written here wins. */
    public SignSection over(SignSection base) {
        return new SignSection(key != null ? key : base.key, keyless != null ? keyless : base.keyless,
                identity != null ? identity : base.identity, issuer != null ? issuer : base.issuer,
                tlog != null ? tlog : base.tlog);
    }
}
