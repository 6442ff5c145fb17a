package dev.nssimg.model;

/**
 * A path in an image as its filesystem holds it: kind, permission bits, owner (ids and, where the archive names
 * them, names), a symbolic link's target, and up to a bound of a regular file's content (truncated says so).
 */
public record FileFacts(String path, boolean directory, boolean symlink, String linkTarget, int mode, long uid, long gid,
        String user, String group, byte[] content, boolean truncated) {}
