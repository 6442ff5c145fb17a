package dev.nssimg.plan;

import dev.nssimg.error.NssimgException;
import java.util.regex.Pattern;

/**
 * An image reference, parsed once: the registry host as written (null: none written, Docker Hub), the repository
 * path, the tag (null: none) and the digest (null: none). {@link #toString} writes it back as it was given.
 */
public record ImageRef(String host, String path, String tag, String digest) {
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern PATH = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

    /** Parses ref; what names it (a flag, an argument) goes into the error. */
    public static ImageRef parse(String ref, String what) {
        String rest = ref;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw NssimgException.usage(what + ": '" + ref + "' has no valid digest after @");
            }
        }
        String tag = null;
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw NssimgException.usage(what + ": '" + ref + "' has an invalid tag '" + tag + "'");
            }
        }
        String host = null;
        int first = rest.indexOf('/');
        if (first > 0) {
            String head = rest.substring(0, first);
            if (head.contains(".") || head.contains(":") || head.equals("localhost")) {
                host = head;
                rest = rest.substring(first + 1);
            }
        }
        if (!PATH.matcher(rest).matches()) {
            throw NssimgException.usage(what + ": '" + ref + "' is not an image reference (repository '" + rest + "')");
        }
        return new ImageRef(host, rest, tag, digest);
    }

    /** The repository, host included when one was written: where tags and signatures of this image live. */
    public String repository() {
        return host == null ? path : host + "/" + path;
    }

    /** The registry the reference points at: its host, else Docker Hub's. */
    public String registry() {
        return host == null ? "docker.io" : host;
    }

    /** The same repository, pinned to digest (no tag). */
    public ImageRef at(String newDigest) {
        return new ImageRef(host, path, null, newDigest);
    }

    @Override
    public String toString() {
        return repository() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
