package dev.nssimg.app;

import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.BuildFacts;
import dev.nssimg.plan.TagFacts;
import dev.nssimg.plan.TagTemplates;
import dev.nssimg.profile.Resolved;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.workspace.Git;
import dev.nssimg.workspace.Project;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a build's time, revision, version and tag values come from: SOURCE_DATE_EPOCH, else HEAD's commit time on a
 * clean tree (git, through the invocation's launcher: local only, so --dry-run may ask it), else now; the branch
 * from the profile, the CI's variables or git. Decides what the planner is given; runs no docker.
 */
final class SourceFacts {
    /** A release tag: v1.2 or 1.2.3, no pre-release suffix. Only such a tag (or the default branch) gets `latest`. */
    static final Pattern RELEASE_TAG = Pattern.compile("v?\\d+\\.\\d+(\\.\\d+)?");
    static final String DEFAULT_BRANCH = "main";
    /** CI variables that name the branch of a detached checkout, in the order they are read. */
    static final List<String> BRANCH_VARIABLES = List.of("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_BRANCH",
            "BUILDKITE_BRANCH", "BRANCH_NAME");

    private SourceFacts() {}

    /**
     * The facts a plan needs. templates: the profile's tag templates apply (no --tag); publishing: the build
     * pushes (then the version is asked of git too, for the version label and annotation). notes: what the user is told.
     */
    static BuildFacts facts(Invocation inv, Resolved r, boolean templates, boolean publishing, List<String> notes) {
        Path dir = r.context().value();
        String revision = Project.gitRevision(dir).orElse(null);
        String fromEnv = inv.env().get("SOURCE_DATE_EPOCH");
        Set<String> used = templates ? TagTemplates.used(r.publishing().tags().value()) : Set.of();
        boolean describe = publishing || used.contains("version") || used.contains("latest");
        boolean needGit = fromEnv == null || fromEnv.isBlank() || !used.isEmpty() || publishing;
        Git.Facts git = needGit && revision != null ? new Git(inv.captured()).facts(dir, describe)
                : Git.Facts.unavailable(revision == null ? "the context is in no git work tree" : "not asked");

        String epoch;
        if (fromEnv != null && !fromEnv.isBlank()) {
            epoch = Long.toString(parseEpoch(fromEnv));
        } else if (git.available() && !git.dirty() && git.commitTime() != null) {
            epoch = Long.toString(git.commitTime());
        } else {
            epoch = null; // BuildKit's own clock, as without nssimg
            if (git.dirty()) {
                notes.add("the work tree has uncommitted changes (" + describeChanges(git.changes()) + "), so the build's time"
                        + " is now, not HEAD's commit time, and its digest is not reproducible; commit them or set SOURCE_DATE_EPOCH");
            } else if (revision != null && !git.available() && !git.why().startsWith("git is not installed")) {
                notes.add("cannot ask git for HEAD's commit time (" + git.why() + "), so the build's time is now;"
                        + " set SOURCE_DATE_EPOCH for a reproducible digest");
            }
        }
        Instant time = epoch != null ? Instant.ofEpochSecond(Long.parseLong(epoch)) : Instant.now();
        String created = Project.created(epoch == null ? Map.of() : Map.of("SOURCE_DATE_EPOCH", epoch), time);
        String sha = git.sha() != null ? git.sha() : revision;

        Map<String, String> values = new HashMap<>();
        Map<String, String> missing = new HashMap<>();
        String unavailable = git.available() ? null : git.why();
        if (sha != null) {
            values.put("sha", sha);
            values.put("short-sha", sha.substring(0, Math.min(7, sha.length())));
        } else {
            missing.put("sha", "the context is in no git work tree with a commit");
            missing.put("short-sha", missing.get("sha"));
        }
        values.put("date", DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC).format(time));
        String version = version(git, sha, missing, unavailable);
        if (version != null) {
            values.put("version", version);
        }
        String branch = branch(inv.env(), r, git, missing, unavailable);
        if (branch != null) {
            values.put("branch", branch);
        }
        String defaultBranch = r.publishing().defaultBranch() != null ? r.publishing().defaultBranch().value() : DEFAULT_BRANCH;
        String releaseTag = git.exactTag() != null && RELEASE_TAG.matcher(git.exactTag()).matches() ? git.exactTag() : null;
        boolean latest = defaultBranch.equals(branch) || releaseTag != null;
        String latestWhy = latest ? null : (branch == null ? "the branch is unknown" : "branch " + branch + " is not the default branch "
                + defaultBranch) + " and HEAD is at no release tag (vX.Y[.Z])";
        // SOURCE_DATE_EPOCH from the caller's environment reaches buildx as it is; one from git is set on its command.
        String setEpoch = fromEnv != null && !fromEnv.isBlank() ? null : epoch;
        return new BuildFacts(revision, created, inv.cwd(), setEpoch, publishing || used.contains("version") ? version : null,
                new TagFacts(values, missing, latest, latestWhy));
    }

    /** git describe --tags without a leading v (v1.2.0-3-gabc1234 is 1.2.0-3-gabc1234); no tag: 0.0.0-SHORT, unless shallow. */
    private static String version(Git.Facts git, String sha, Map<String, String> missing, String unavailable) {
        if (!git.available()) {
            missing.put("version", unavailable);
            return null;
        }
        if (git.describe() != null) {
            String d = git.describe();
            return d.matches("v\\d.*") ? d.substring(1) : d;
        }
        if (git.shallow()) {
            missing.put("version", "git describe found no tag, and this clone is shallow: fetch the tags"
                    + " (git fetch --tags --unshallow; actions/checkout: fetch-depth: 0)");
            return null;
        }
        return "0.0.0-" + sha.substring(0, Math.min(7, sha.length())); // a full clone without any tag
    }

    private static String branch(Map<String, String> env, Resolved r, Git.Facts git, Map<String, String> missing, String unavailable) {
        if (r.publishing().branch() != null) {
            return r.publishing().branch().value();
        }
        for (String v : BRANCH_VARIABLES) {
            String value = env.get(v);
            if (v.equals("GITHUB_REF_NAME") && "tag".equals(env.get("GITHUB_REF_TYPE"))) {
                continue; // a tag's build: the name is the tag's, not a branch
            }
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        if (git.branch() != null) {
            return git.branch();
        }
        missing.put("branch", git.available() ? "HEAD is detached, and neither the profile's branch: nor a CI variable ("
                + String.join(", ", BRANCH_VARIABLES) + ") names the branch" : unavailable);
        return null;
    }

    private static long parseEpoch(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw NssimgException.usage("env SOURCE_DATE_EPOCH: '" + v + "' is not a number of seconds");
        }
    }

    private static String describeChanges(List<String> changes) {
        String first = String.join(", ", changes.subList(0, Math.min(3, changes.size())));
        return changes.size() > 3 ? first + " and " + (changes.size() - 3) + " more" : first;
    }
}
