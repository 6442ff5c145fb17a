package dev.nssimg.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How images are signed and verified with cosign, resolved from flags and a profile's {@code sign:} section: a key
 * reference passed through to cosign (a file, {@code env://NAME}, a KMS URI), or keyless signing, chosen explicitly,
 * with the certificate identity and issuer a verification expects; and whether the transparency log is used
 * (cosign's default) or not (private registries, offline). The key's password never appears here: cosign reads
 * {@code COSIGN_PASSWORD} from the environment. Pure.
 */
public record Signer(String key, boolean keyless, String identity, String issuer, boolean tlog) {
    /** The program run; cosign 2.x (3.x asks its TUF root even with a key). */
    public static final String COSIGN = "cosign";

    /**
     * cosign sign of the image at ref (a digest, never a tag: what is signed is what was resolved once), the index
     * and every manifest it lists (--recursive). --yes: nssimg runs without a terminal to confirm on.
     */
    public List<String> signArgv(ImageRef ref, boolean plainHttp) {
        List<String> a = new ArrayList<>(List.of(COSIGN, "sign", "--yes"));
        if (key != null) {
            a.addAll(List.of("--key", key));
        }
        if (!tlog) {
            a.add("--tlog-upload=false");
        }
        if (plainHttp) {
            a.add("--allow-http-registry");
        }
        a.add("--recursive");
        a.add(ref.toString());
        return a;
    }

    /**
     * The signer a verification uses: the same, but a private key file NAME.key becomes the public key NAME.pub that
     * cosign generate-key-pair writes beside it (a KMS URI or env:// reference serves both).
     */
    public Signer forVerify() {
        return key != null && key.endsWith(".key") && !key.contains("://")
                ? new Signer(key.substring(0, key.length() - 4) + ".pub", keyless, identity, issuer, tlog) : this;
    }

    /** cosign verify of one manifest (or index) at ref: by key, or by the keyless certificate's identity and issuer. */
    public List<String> verifyArgv(ImageRef ref, boolean plainHttp) {
        List<String> a = new ArrayList<>(List.of(COSIGN, "verify"));
        if (key != null) {
            a.addAll(List.of("--key", key));
        } else {
            a.addAll(List.of("--certificate-identity", identity, "--certificate-oidc-issuer", issuer));
        }
        if (!tlog) {
            a.add("--insecure-ignore-tlog=true");
        }
        if (plainHttp) {
            a.add("--allow-http-registry");
        }
        a.add(ref.toString());
        return a;
    }

    /**
     * Whether cosign must be allowed plain HTTP for registry: a registry docker treats as insecure, that is one on
     * loopback (as dockerd and BuildKit allow without configuration) or one the engine lists as insecure (a name
     * from its insecure registries, or an address inside one of its insecure CIDRs). Nothing else is loosened.
     */
    public static boolean plainHttp(String registry, Set<String> engineInsecure) {
        String host = hostOnly(registry);
        if (host.equals("localhost") || host.equals("::1") || host.matches("127(\\.\\d{1,3}){3}")) {
            return true;
        }
        for (String entry : engineInsecure) {
            if (entry.equals(registry) || entry.equals(host) || (entry.contains("/") && inCidr(host, entry))) {
                return true;
            }
        }
        return false;
    }

    private static String hostOnly(String registry) {
        if (registry.startsWith("[")) {
            int end = registry.indexOf(']');
            return end > 0 ? registry.substring(1, end) : registry;
        }
        int colon = registry.lastIndexOf(':');
        return colon > 0 && registry.indexOf(':') == colon ? registry.substring(0, colon) : registry;
    }

    /** An IPv4 address inside an IPv4 CIDR; false for anything else (a name is never inside a CIDR). */
    static boolean inCidr(String host, String cidr) {
        String[] parts = cidr.split("/");
        if (parts.length != 2 || !host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || !parts[0].matches("\\d{1,3}(\\.\\d{1,3}){3}")
                || !parts[1].matches("\\d{1,2}")) {
            return false;
        }
        int bits = Integer.parseInt(parts[1]);
        if (bits > 32) {
            return false;
        }
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (ipv4(host) & mask) == (ipv4(parts[0]) & mask);
    }

    private static long ipv4(String s) {
        long v = 0;
        for (String octet : s.split("\\.")) {
            v = (v << 8) | (Integer.parseInt(octet) & 0xFF);
        }
        return v;
    }
}
