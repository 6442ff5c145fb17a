package dev.nssimg.report;

import dev.nssimg.app.BuilderSetup;
import dev.nssimg.app.Builds;
import dev.nssimg.app.Checks;
import dev.nssimg.app.DaemonControl;
import dev.nssimg.app.Doctor;
import dev.nssimg.app.Init;
import dev.nssimg.app.Inspect;
import dev.nssimg.app.Profiles;
import dev.nssimg.app.Signatures;
import dev.nssimg.app.Smokes;
import dev.nssimg.buildx.Imagetools;
import dev.nssimg.buildx.ProgressListener;
import dev.nssimg.error.NssimgException;
import dev.nssimg.lint.Finding;
import dev.nssimg.lint.Severity;
import dev.nssimg.model.ImageFacts;
import dev.nssimg.plan.Command;
import dev.nssimg.plan.Layers;
import dev.nssimg.plan.Planner;
import dev.nssimg.plan.ShellQuote;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.smoke.Check;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Renders every result of the application layer: text for people or JSON for tools on stdout, and,
 * where a result has one, its section of the GitHub job summary and its JUnit XML file. Warnings go to stderr.
 */
public final class Report {
    private final Invocation inv;
    private final boolean json;
    private final PrintWriter out;

    public Report(Invocation inv, boolean json) {
        this.inv = inv;
        this.json = json;
        this.out = inv.out();
    }

    public void warnings(List<String> warnings) {
        warnings.forEach(w -> inv.err().println("nssimg: warning: " + w));
        inv.err().flush();
    }

    /** A dry run: one shell-quoted line per command, or {"commands":[{"argv":[...],"env":{...}}]}. */
    public void plan(List<? extends Command> commands) {
        if (json) {
            out.println(JsonReport.plan(commands));
        } else {
            commands.forEach(c -> out.println(c.shellLine()));
        }
        out.flush();
    }

    /** With --json, the listener that prints each progress event as a line of JSON on stdout; else null. */
    public ProgressListener progressEvents() {
        if (!json) {
            return null;
        }
        return (event, platform) -> {
            out.println(JsonReport.event(event, platform));
            out.flush();
        };
    }

    /** --verify-reproducible: each platform's two digests, and what differs. */
    public void verified(Builds.Verified v) {
        List<String[]> rows = new ArrayList<>();
        for (Builds.Compared c : v.platforms()) {
            rows.add(new String[] {c.platform(), c.same() ? "same " + c.first() : "DIFFERS " + c.first() + " vs " + c.second()});
            c.differences().forEach(d -> rows.add(new String[] {"", "  " + d}));
        }
        String title = v.reproducible() ? "reproducible: two builds without cache gave the same manifest digests"
                : "not reproducible: two builds without cache gave different manifest digests";
        if (json) {
            out.println(JsonReport.verified(v));
        } else {
            out.println(title);
            rows.forEach(row -> out.printf("  %-12s %s%n", row[0], row[1]));
            out.printf("  %-12s %s%n", "duration", String.format(Locale.ROOT, "%.1f s (both builds)", v.duration().toMillis() / 1000.0));
        }
        out.flush();
        summary(JobSummary.table("nssimg " + title, rows));
    }

    /** What cosign signed, and the `cosign verify` command for each repository (for people to run). */
    public void signed(Signatures.Outcome o) {
        if (json) {
            out.println(JsonReport.signed(o));
        } else {
            o.signed().forEach(s -> out.println("signed " + s.repository() + "@" + s.digest() + " (the index and every manifest in it)"));
            o.verifyCommands().forEach(v -> out.println("  verify: " + ShellQuote.join(v)));
        }
        out.flush();
        List<String[]> rows = new ArrayList<>();
        o.signed().forEach(s -> rows.add(new String[] {s.repository() + "@" + s.digest(), "signed"}));
        o.verifyCommands().forEach(v -> rows.add(new String[] {"verify", ShellQuote.join(v)}));
        summary(JobSummary.table("nssimg: signed with cosign", rows));
    }

    /** nssimg verify: each manifest's signature, verified or why not. */
    public void verifiedSignatures(Signatures.Verified v) {
        List<String[]> rows = new ArrayList<>();
        v.manifests().forEach(c -> rows.add(new String[] {c.what(), c.digest(), c.ok() ? "verified" : "FAILED: " + c.failure()}));
        String title = (v.ok() ? "verified: " : "NOT verified: ") + v.ref() + " (" + v.digest() + ")";
        if (json) {
            out.println(JsonReport.verifiedSignatures(v));
        } else {
            out.println(title);
            rows.forEach(r -> out.printf("  %-14s %s  %s%n", r[0], r[1], r[2]));
        }
        out.flush();
        summary(JobSummary.table("nssimg " + title, rows));
    }

    public void build(Builds.Outcome b) {
        String title = (b.pushed() ? "pushed " : "built ") + String.join(", ", b.tags());
        List<String[]> rows = new ArrayList<>(); // for people: the console and the job summary
        rows.add(new String[] {"digest", b.digest() == null ? "unknown" : b.digest()});
        rows.add(new String[] {"platforms", String.join(", ", b.platforms()) + (b.split() ? " (split: one build per platform)" : "")});
        if (b.size() >= 0) {
            rows.add(new String[] {"size", humanSize(b.size())});
        }
        rows.add(new String[] {"duration", String.format(Locale.ROOT, "%.1f s", b.duration().toMillis() / 1000.0)});
        rows.add(new String[] {"steps", (b.cachedSteps() < 0 ? "unknown (the engine does not say)" : String.valueOf(b.cachedSteps())) + " cached of " + b.steps()});
        if (b.layers() != null) {
            layerRows(b.layers(), "", rows);
        }
        // a pushed image: each platform as its registry holds it, compressed
        b.pushedLayers().forEach((platform, l) -> {
            rows.add(new String[] {"layers", platform + ": " + humanSize(l.imageBytes()) + " compressed in the registry, "
                    + l.layers().size() + " layers"});
            layerRows(l, " compressed", rows);
        });
        String measured = b.budgetMeasured();
        if (measured != null) {
            boolean unpacked = measured.equals("unpacked");
            rows.add(new String[] {"budget", humanSize(b.budget().bytes()) + " (" + b.budget().origin() + "): " + (b.overBudget() == null
                    ? (unpacked ? "within" : "within, compressed (the size on disk is not measured for a pushed image)")
                    : (unpacked ? "OVER by " + humanSize(b.size() - b.budget().bytes()) : "OVER, compressed"))});
        }
        if (json) {
            out.println(JsonReport.build(b));
        } else {
            out.println(title);
            rows.forEach(row -> out.printf("  %-10s %s%n", row[0], row[1]));
        }
        out.flush();
        summary(JobSummary.table("nssimg " + title, rows));
    }

    /** How many bytes the rebuild added, each new layer with its Dockerfile line, then the largest layers. */
    private static void layerRows(Layers.Report l, String kind, List<String[]> rows) {
        if (l.added() == null) {
            rows.add(new String[] {"rebuild", "no previous image of the tag to compare with"});
        } else if (l.added().isEmpty()) {
            rows.add(new String[] {"rebuild", "adds nothing: every layer is the previous image's"});
        } else {
            rows.add(new String[] {"rebuild", "adds " + humanSize(l.addedBytes()) + kind + " in " + l.added().size() + " new layer"
                    + (l.added().size() == 1 ? "" : "s") + " of " + l.layers().size()});
            l.added().forEach(x -> rows.add(new String[] {"", humanSize(x.bytes()) + kind + "  " + x.describe()}));
        }
        List<Layers.Layer> top = l.largest(3);
        for (int i = 0; i < top.size(); i++) {
            rows.add(new String[] {i == 0 ? "largest" : "", humanSize(top.get(i).bytes()) + kind + "  " + top.get(i).describe()});
        }
    }

    /** The checks as a table or JSON, their job-summary section, and the JUnit file when junit is not null. */
    public void smoke(Smokes.Outcome s, Path junit) {
        List<Check> checks = s.checks();
        if (json) {
            out.println(JsonReport.smoke(s));
        } else {
            out.println("smoke " + s.image());
            if (s.layers() != null) {
                out.println("  size     " + humanSize(s.layers().imageBytes()) + " in " + s.layers().layers().size() + " layers");
                List<Layers.Layer> top = s.layers().largest(3);
                for (int i = 0; i < top.size(); i++) {
                    out.println("  " + (i == 0 ? "largest " : "        ") + " " + humanSize(top.get(i).bytes()) + "  " + top.get(i).describe());
                }
            }
            int pw = Math.max(8, checks.stream().mapToInt(c -> c.platform().length()).max().orElse(0));
            int nw = Math.max(5, checks.stream().mapToInt(c -> c.name().length()).max().orElse(0));
            String fmt = "%-" + pw + "s  %-" + nw + "s  %-7s  %s%n";
            out.printf(fmt, "PLATFORM", "CHECK", "RESULT", "DETAIL");
            for (Check c : checks) {
                out.printf(fmt, c.platform(), c.name(), c.result(), c.detail());
            }
            long failed = checks.stream().filter(c -> !c.ok()).count();
            long warned = checks.stream().filter(Check::warning).count();
            long notRun = checks.stream().filter(c -> !c.ran()).count();
            out.printf("%d passed, %d failed%s%s%n", checks.size() - failed - notRun, failed, warned == 0 ? "" : ", " + warned
                    + " warning" + (warned == 1 ? "" : "s"), notRun == 0 ? "" : ", " + notRun + " not run");
        }
        out.flush();
        summary(JobSummary.smoke(s.image(), checks));
        if (junit != null) {
            try {
                AtomicFile.writeAtomically(inv.cwd().resolve(junit), JUnitXml.smoke(s.image(), checks));
            } catch (IOException e) {
                throw NssimgException.usage("flag --report: cannot write " + junit + ": " + e.getMessage());
            }
        }
    }

    /** The Dockerfile lint a build runs first: every finding on stderr, as a compiler prints them. */
    public void findings(List<Finding> findings) {
        findings.forEach(f -> inv.err().println(f.text()));
        inv.err().flush();
    }

    /** nssimg check: the findings and a summary line on stdout, or one JSON document. */
    public void check(Checks.Outcome c) {
        if (json) {
            out.println(JsonReport.check(c));
        } else {
            c.findings().forEach(f -> out.println(f.text()));
            java.util.Map<Severity, Long> n = new java.util.EnumMap<>(Severity.class);
            c.findings().forEach(f -> n.merge(f.severity(), 1L, Long::sum));
            out.println(c.dockerfile() + ": " + count(n.getOrDefault(Severity.ERROR, 0L), "error") + ", "
                    + count(n.getOrDefault(Severity.WARNING, 0L), "warning") + ", " + count(n.getOrDefault(Severity.NOTE, 0L), "note")
                    + "; BuildKit's own checks: " + c.buildkit());
        }
        out.flush();
    }

    private static String count(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    public void init(Init.Outcome o) {
        String where = o.inTree() ? "inside the work tree: commit it or remove it" : "outside the work tree";
        String read = o.read() == Init.Read.AUTOMATICALLY ? "nssimg reads it for this checkout" : "pass --config " + o.written() + " to use it";
        out.println("wrote " + o.written() + " from " + o.dockerfile() + " (" + where + "; " + read + ")");
        out.println("next: nssimg profiles show arm64" + (o.read() == Init.Read.AUTOMATICALLY ? "" : " --config " + o.written()));
        out.flush();
    }

    public void doctor(Doctor.Report d) {
        if (json) {
            out.println(JsonReport.doctor(d));
        } else {
            String fmt = "%-15s %-5s %s%n";
            out.printf(fmt, "CHECK", "STATUS", "DETAIL");
            for (Doctor.Row r : d.rows()) {
                out.printf(fmt, r.check(), r.status().word(), r.detail() + (r.hint().isEmpty() ? "" : "\n" + " ".repeat(22) + "hint: " + r.hint()));
            }
        }
        out.flush();
    }

    public void inspect(Inspect.Outcome result) {
        if (result instanceof Inspect.Local l) {
            image(l.image());
        } else if (result instanceof Inspect.Remote r) {
            index(r.index());
        }
        out.flush();
    }

    private void image(ImageFacts f) {
        if (json) {
            out.println(JsonReport.image(f));
            return;
        }
        out.println("image       " + f.ref());
        out.println("id          " + f.id());
        out.println("platform    " + f.platform());
        out.println("size        " + humanSize(f.size()));
        builtFrom(f.labels()).ifPresent(b -> out.println("built from  " + b));
        out.println("user        " + (f.user().isEmpty() ? "(root)" : f.user()));
        out.println("entrypoint  " + f.entrypoint());
        out.println("cmd         " + f.cmd());
        out.println("env");
        f.env().forEach(e -> out.println("  " + e));
        out.println("labels");
        new TreeMap<>(f.labels()).forEach((k, v) -> out.println("  " + k + "=" + v));
    }

    /** Where nssimg recorded an image was built from (its dev.nssimg.* labels), for people; empty when it did not. */
    private static Optional<String> builtFrom(Map<String, String> labels) {
        String file = labels.get(Planner.LABEL_DOCKERFILE);
        if (file == null) {
            return Optional.empty();
        }
        String rev = labels.get(Planner.LABEL_REVISION);
        return Optional.of(file + ", stage " + labels.getOrDefault(Planner.LABEL_STAGE, "?") + ", profile "
                + labels.getOrDefault(Planner.LABEL_PROFILE, "?") + (rev == null ? "" : ", at " + rev.substring(0, Math.min(12, rev.length()))));
    }

    private void index(Imagetools.Index idx) {
        if (json) {
            out.println(JsonReport.index(idx));
            return;
        }
        out.println("index       " + idx.ref());
        out.println("digest      " + idx.digest());
        out.println("media type  " + idx.mediaType());
        idx.annotations().forEach((k, v) -> out.println("annotation  " + k + "=" + v));
        for (Imagetools.Platform p : idx.platforms()) {
            out.println("platform " + p.platform());
            out.println("  digest      " + p.digest());
            builtFrom(p.facts().labels()).ifPresent(b -> out.println("  built from  " + b));
            out.println("  user        " + p.facts().user());
            out.println("  entrypoint  " + p.facts().entrypoint());
            Inspect.buildArgs(p.facts().labels()).forEach((k, v) -> out.println("  build-arg   " + k + "=" + v));
            p.annotations().forEach((k, v) -> out.println("  annotation  " + k + "=" + v));
            p.attestations().forEach(a -> out.println("  attestation " + a.digest() + " (" + String.join(", ", a.predicateTypes()) + ")"));
            if (p.attestations().isEmpty()) {
                out.println("  attestation (none)");
            }
        }
    }

    public void profiles(Profiles.Listing l) {
        out.println("project root " + l.root());
        out.println("profiles in " + l.file() + ":");
        for (Profiles.Entry e : l.profiles()) {
            out.printf("  %-14s %s%s%n", e.name(), e.description(), e.extendsName() == null ? "" : " (extends " + e.extendsName() + ")");
        }
        out.flush();
    }

    public void profile(Profiles.Shown s) {
        out.println("profile " + s.profile() + " (project root " + s.root() + ", profiles " + s.file() + ")");
        for (Profiles.Value v : s.values()) {
            out.printf("  %-36s %-28s %s%s%n", v.key(), v.value().isEmpty() ? "(none)" : v.value(), v.origin(),
                    v.unused() ? "  (unused: the Dockerfile does not declare it)" : "");
        }
        if (s.note() != null) {
            out.println("  note: " + s.note());
        }
        out.println("  runner: " + s.runner());
        s.runnerNotes().forEach(n -> out.println("  note: " + n));
        out.flush();
    }

    public void builderCreated(BuilderSetup.Planned b) {
        out.println("builder " + b.name() + " created; use it with --builder " + b.name());
        out.flush();
    }

    /** One daemon, as soon as it is listed or stopped. */
    public void daemon(DaemonControl.Entry e, long stopLimitSeconds) {
        var r = e.daemon();
        if (e.stopped()) {
            out.println("stopped daemon " + r.pid() + (e.clean() ? "" : " (killed: it did not stop within " + stopLimitSeconds + " s)"));
        } else {
            out.printf("daemon %d  up %ds  rss %d MiB  jar %s  socket %s%n", r.pid(), r.uptime().toSeconds(), r.rssKib() / 1024,
                    r.jar(), r.socket());
        }
        out.flush();
    }

    /** After the daemons: a line when there were none. */
    public void daemons(DaemonControl.Outcome d) {
        if (d.daemons().isEmpty()) {
            out.println("no nssimg daemon running (" + d.dir() + ")");
        }
        out.flush();
    }

    /** A command that failed: its job-summary section (the one-line error itself is printed by the CLI). */
    public static void failure(Invocation inv, String command, int exit, String message) {
        JobSummary.append(inv.env(), inv.cwd(), inv.err(), JobSummary.failure(command, exit, message));
    }

    private void summary(String markdown) {
        JobSummary.append(inv.env(), inv.cwd(), inv.err(), markdown);
    }

    public static String humanSize(long bytes) {
        return Layers.size(bytes);
    }
}
