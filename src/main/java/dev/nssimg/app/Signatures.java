package dev.nssimg.app;

import dev.nssimg.buildx.Imagetools;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.ImageRef;
import dev.nssimg.plan.Sign;
import dev.nssimg.plan.Signer;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.ProfilesFile;
import dev.nssimg.profile.Resolver;
import dev.nssimg.profile.SignSection;
import dev.nssimg.runtime.Captured;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.workspace.Project;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Signing and verifying published images with cosign (a subprocess, argv only): what to sign is resolved to a
 * digest once, before anything is signed; the key's password stays in the environment (COSIGN_PASSWORD), never in
 * argv or output.
 */
public final class Signatures {
    /** Each cosign call's bound. */
    static final long TIMEOUT_SECONDS = 120;
    private static final Pattern UNREACHABLE = Pattern.compile(
            "connection refused|no such host|i/o timeout|network is unreachable|TLS handshake timeout|dial tcp");

    private Signatures() {}

    /** What flags ask of signing; null and false: not said on the command line. tlog null: not said. */
    public record Flags(String key, boolean keyless, String identity, String issuer, Boolean tlog) {
        public static final Flags NONE = new Flags(null, false, null, null, null);

        boolean any() {
            return key != null || keyless || identity != null || issuer != null; // --no-tlog alone asks for no signing
        }
    }

    /**
     * The signer flags and the profile's sign: section describe, flags first; origins name the culprit. A key and
     * keyless together are exit 2; so is neither (keyless is never chosen by itself, for example by a token being
     * there), and keyless without the identity and issuer a verification needs.
     */
    static Signer resolve(Flags flags, SignSection section, String keyFlag, String verb) {
        // A flag beats the section: a key given on the command line replaces the profile's keyless choice, and the reverse.
        Located<String> key = flags.key() != null ? Located.of(flags.key(), "flag " + keyFlag) : flags.keyless() ? null : section.key();
        Located<String> keyless = flags.keyless() ? Located.of("true", "flag --keyless") : flags.key() != null ? null
                : section.keyless();
        Located<String> identity = flags.identity() != null ? Located.of(flags.identity(), "flag --identity") : section.identity();
        Located<String> issuer = flags.issuer() != null ? Located.of(flags.issuer(), "flag --issuer") : section.issuer();
        boolean isKeyless = keyless != null && keyless.value().equals("true");
        if (key != null && isKeyless) {
            throw NssimgException.usage(key.origin() + ": a key and keyless signing (" + keyless.origin() + ") are two"
                    + " choices; give one");
        }
        if (key == null && !isKeyless) {
            throw NssimgException.usage(keyFlag + ": " + verb + " needs a key (" + keyFlag + " KEYREF, or sign: {key: KEYREF} in"
                    + " the profile: a file, env://NAME or a KMS URI) or keyless signing chosen outright ("
                    + (keyFlag.equals("--key") ? "--keyless, or " : "") + "sign: {keyless: true, identity: ..., issuer: ...})");
        }
        if (key != null && key.value().isBlank()) {
            throw NssimgException.usage(key.origin() + ": the key reference is empty");
        }
        if (isKeyless && (identity == null || issuer == null)) {
            throw NssimgException.usage(keyless.origin() + ": keyless signing needs the"
                    + " certificate identity and its OIDC issuer (flags --identity and --issuer, or sign: {identity, issuer})"
                    + ", which a verification checks");
        }
        boolean tlog = flags.tlog() != null ? flags.tlog() : section.tlog() == null || section.tlog().value().equals("true");
        if (isKeyless && !tlog) {
            // Fulcio's certificate lives minutes; only the log's timestamp lets it verify later.
            throw NssimgException.usage((flags.tlog() != null ? "flag --no-tlog" : section.tlog().origin()) + ": keyless signing"
                    + " needs the transparency log (its short-lived certificate verifies later only by the log's timestamp)");
        }
        return new Signer(key == null ? null : key.value(), isKeyless, identity == null ? null : identity.value(),
                issuer == null ? null : issuer.value(), tlog);
    }

    /** The profile's sign: section (none when the project has no profiles file or the profile says nothing). */
    static SignSection section(Invocation inv, Selection sel) {
        Project project = Project.discover(inv.cwd());
        ProfilesFile file = project.profiles(sel.config(), inv.env());
        return Resolver.signSection(file, sel.profile());
    }

    /** The registries the engine treats as insecure; a dry run asks nothing (loopback alone then counts). */
    static Set<String> insecure(Invocation inv, boolean dryRun) {
        return dryRun ? Set.of() : inv.engine().insecureRegistries();
    }

    /** A dry run's word on what it could not know without the engine, or null when every registry is on loopback. */
    static String dryRunNote(List<ImageRef> refs) {
        List<String> others = refs.stream().map(ImageRef::registry).distinct()
                .filter(r -> !Signer.plainHttp(r, Set.of())).toList();
        return others.isEmpty() ? null : "dry run: the engine was not asked which registries it treats as insecure; cosign"
                + " also gets --allow-http-registry for " + String.join(", ", others) + " if it lists them";
    }

    /**
     * A build's sign steps: one per repository its pushed tags name, when --sign or --sign-key asks or the profile has
     * a sign: section. An explicit ask on a build that pushes nothing is exit 2 (a loaded image has no registry
     * digest to sign); a profile's section on such a build is a warning. Empty when nothing is to be signed.
     */
    public static List<Sign> forBuild(Invocation inv, Builds.Planned planned, boolean asked, Flags flags, List<String> warnings) {
        SignSection section = section(inv, planned.request().selection());
        if (!asked && !flags.any() && section.isEmpty()) {
            return List.of();
        }
        String flag = flags.key() != null ? "flag --sign-key" : "flag --sign";
        boolean explicit = asked || flags.key() != null;
        if (planned.request().publishing().verify()) {
            if (explicit) {
                throw NssimgException.usage(flag + ": --verify-reproducible publishes nothing, so there is nothing to sign");
            }
            return List.of();
        }
        if (!planned.plan().push()) {
            if (explicit) {
                throw NssimgException.usage(flag + ": the build loads its image and pushes nothing, and a loaded image has"
                        + " no registry digest to sign; push it (--push, or --multiarch with --registry)");
            }
            warnings.add("not signed: the profile's sign: section applies to pushed images, and this build only loads");
            return List.of();
        }
        Signer signer = resolve(flags, section, "--sign-key", "signing");
        boolean dryRun = planned.request().dryRun();
        List<Sign> signs = Sign.of(signer, planned.plan().tags(), insecure(inv, dryRun));
        String note = dryRun ? dryRunNote(signs.stream().map(Sign::repository).toList()) : null;
        if (note != null) {
            warnings.add(note);
        }
        return signs;
    }

    /** One cosign sign: its repository, the digest signed, and its argv. */
    public record Signed(String repository, String digest, List<String> argv) {}

    /** What was signed, and the commands that check it. */
    public record Outcome(String digest, List<Signed> signed, List<List<String>> verifyCommands) {}

    /** Runs a build's sign steps with the digest its push reported. */
    public static Outcome run(Invocation inv, List<Sign> signs, String digest) {
        List<Signed> done = new ArrayList<>();
        List<List<String>> verify = new ArrayList<>();
        Captured cli = inv.captured();
        for (Sign s : signs) {
            List<String> argv = s.argv(Map.of(Sign.INDEX, digest));
            Captured.Output o = cli.capture(argv, TIMEOUT_SECONDS);
            if (!o.ok()) {
                throw failure("cosign sign of " + s.repository().at(digest), o);
            }
            done.add(new Signed(s.repository().repository(), digest, argv));
            verify.add(s.verifyArgv(digest));
        }
        return new Outcome(digest, done, verify);
    }

    /** nssimg sign REF: the plan (REF resolved to its digest once, before signing), run unless dryRun. */
    public record Planned(ImageRef ref, String digest, List<Sign> signs, String note) {}

    public static Planned planSign(Invocation inv, String ref, Flags flags, Selection sel, boolean dryRun) {
        ImageRef parsed = ImageRef.parse(ref, "REF");
        Signer signer = resolve(flags, section(inv, sel), "--key", "signing");
        // The digest is resolved now, once: what is signed is what REF named at this moment, even in a dry run.
        String digest = parsed.digest() != null ? parsed.digest() : new Imagetools(inv.captured()).listing(ref).digest();
        ImageRef repo = new ImageRef(parsed.host(), parsed.path(), null, digest);
        List<Sign> signs = Sign.of(signer, List.of(repo.toString()), insecure(inv, dryRun));
        return new Planned(parsed, digest, signs, dryRun ? dryRunNote(List.of(repo)) : null);
    }

    public static Outcome sign(Invocation inv, Planned p) {
        return run(inv, p.signs(), p.digest());
    }

    /** One manifest's verification: the index or a platform, its digest, and why it failed (null: verified). */
    public record Checked(String what, String digest, List<String> argv, String failure) {
        public boolean ok() {
            return failure == null;
        }
    }

    /** nssimg verify REF: the digest REF resolved to, and each manifest's verification (the index first). */
    public record Verified(String ref, String digest, List<Checked> manifests) {
        public boolean ok() {
            return manifests.stream().allMatch(Checked::ok);
        }
    }

    public static Verified verify(Invocation inv, String ref, Flags flags, Selection sel) {
        ImageRef parsed = ImageRef.parse(ref, "REF");
        Signer signer = resolve(flags, section(inv, sel), "--key", "verification").forVerify();
        Imagetools.Listing listing = new Imagetools(inv.captured()).listing(ref);
        String digest = parsed.digest() != null ? parsed.digest() : listing.digest();
        boolean http = Signer.plainHttp(parsed.registry(), inv.engine().insecureRegistries());
        Map<String, String> manifests = new LinkedHashMap<>();
        manifests.put("index", digest);
        listing.platforms().forEach(manifests::put);
        List<Checked> out = new ArrayList<>();
        Captured cli = inv.captured();
        for (Map.Entry<String, String> m : manifests.entrySet()) {
            List<String> argv = signer.verifyArgv(parsed.at(m.getValue()), http);
            Captured.Output o = cli.capture(argv, TIMEOUT_SECONDS);
            if (!o.ok()) {
                checkReachable("cosign verify of " + parsed.at(m.getValue()), o);
            }
            out.add(new Checked(m.getKey(), m.getValue(), argv, o.ok() ? null : reason(o)));
        }
        return new Verified(ref, digest, out);
    }

    /** cosign's own words for a failed verification: 10 no signatures, 12 not signed by this key, else its last line. */
    private static String reason(Captured.Output o) {
        String last = o.lastErrorLine().replaceFirst("^error during command execution: ", "").replaceFirst("^Error: ", "");
        return switch (o.exit()) {
            case 10 -> "no signature: " + last;
            case 12 -> "no signature by this key: " + last;
            default -> last;
        };
    }

    private static void checkReachable(String what, Captured.Output o) {
        if (o.exit() == 127) {
            throw new NssimgException(ExitCode.ENVIRONMENT, "cosign is not installed (" + o.lastErrorLine()
                    + "); install cosign 2.x (Debian trixie: apt-get install cosign)");
        }
        if (o.exit() == 124 || UNREACHABLE.matcher(o.stderr()).find()) {
            throw new NssimgException(ExitCode.ENVIRONMENT, what + ": registry unreachable: " + o.lastErrorLine());
        }
    }

    private static NssimgException failure(String what, Captured.Output o) {
        checkReachable(what, o);
        return NssimgException.failed(what + " failed (cosign exit " + o.exit() + "): " + reason(o));
    }
}
