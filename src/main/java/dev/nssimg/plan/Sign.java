package dev.nssimg.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * cosign sign of a pushed index in one repository, by the digest the build reported (the index and every manifest in
 * it): a build that publishes to several repositories signs in each, since signatures live beside the image. It runs
 * after the push; until then its digest is the placeholder {@code ${digest:index}}. A repository given with a digest
 * (nssimg sign, which resolved it first) signs that one.
 */
public record Sign(Signer signer, ImageRef repository, boolean plainHttp) implements Command {
    /** The key under which the pushed index's digest is given to {@link #argv(Map)}. */
    public static final String INDEX = "index";

    @Override
    public Kind kind() {
        return Kind.SIGN;
    }

    @Override
    public String label() {
        return "sign";
    }

    @Override
    public List<String> platforms() {
        return List.of();
    }

    @Override
    public boolean pushes() {
        return true;
    }

    @Override
    public boolean needsBuildx() {
        return false;
    }

    @Override
    public List<String> argv(Map<String, String> digests) {
        String digest = repository.digest() != null ? repository.digest() : digests.getOrDefault(INDEX, Command.digestOf(INDEX));
        return signer.signArgv(repository.at(digest), plainHttp);
    }

    /** The command a user runs to check the signature (printed after the build). */
    public List<String> verifyArgv(String digest) {
        return signer.forVerify().verifyArgv(repository.at(digest), plainHttp);
    }

    /**
     * One sign step per repository that the pushed tags name, in the order the tags first name them. engineInsecure:
     * the registries the engine treats as insecure (empty when it was not asked: a dry run).
     */
    public static List<Sign> of(Signer signer, List<String> tags, Set<String> engineInsecure) {
        LinkedHashMap<String, Sign> out = new LinkedHashMap<>();
        for (String t : tags) {
            ImageRef ref = ImageRef.parse(t, "tag");
            ImageRef repo = new ImageRef(ref.host(), ref.path(), null, ref.digest());
            out.putIfAbsent(repo.repository(), new Sign(signer, repo, Signer.plainHttp(ref.registry(), engineInsecure)));
        }
        return List.copyOf(out.values());
    }
}
