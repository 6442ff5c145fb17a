package dev.nssimg.app;

import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.BuilderPlanner;
import dev.nssimg.plan.BuilderStep;
import dev.nssimg.profile.BuilderSpec;
import dev.nssimg.profile.ProfileSpec;
import dev.nssimg.profile.ProfilesFile;
import dev.nssimg.runtime.Captured;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.workspace.Project;
import java.util.List;

/** `nssimg builder create`: a multi-node buildx builder from the profiles file's `builders` section. */
public final class BuilderSetup {
    private BuilderSetup() {}

    /** name null: the builder of the selected profile, else the only one described. */
    public record Request(Selection selection, String name, boolean bootstrap) {}

    /** The builder and the docker buildx commands that create it. */
    public record Planned(BuilderSpec builder, List<BuilderStep> commands) {
        public Planned {
            commands = List.copyOf(commands);
        }

        public String name() {
            return builder.name();
        }
    }

    public static Planned plan(Invocation inv, Request req) {
        ProfilesFile file = Project.discover(inv.cwd()).profiles(req.selection().config(), inv.env());
        BuilderSpec b = pick(file, req);
        return new Planned(b, BuilderPlanner.create(b, req.bootstrap()));
    }

    /** Runs the plan; a failure after the first node removes the half-made builder. Progress lines go to err. */
    public static void run(Invocation inv, Planned plan) {
        BuilderSpec b = plan.builder();
        Captured cli = inv.captured();
        for (BuilderStep c : plan.commands()) {
            Captured.Output o = cli.capture(c.argv(), 600);
            if (!o.ok()) {
                if (c.phase() > 0 || c.label().equals("bootstrap")) {
                    cli.capture(BuilderPlanner.remove(b).argv(), 60);
                }
                throw NssimgException.environment("creating builder " + b.name() + " failed at node " + c.label() + ": "
                        + o.lastErrorLine() + (c.phase() > 0 ? " (the half-made builder was removed)" : ""));
            }
            inv.err().println("nssimg: docker buildx " + c.action() + " " + c.label() + ": ok");
        }
    }

    private static BuilderSpec pick(ProfilesFile file, Request req) {
        String wanted = req.name();
        String profile = req.selection().profile();
        if (wanted == null && profile != null) {
            ProfileSpec p = file.profiles().get(profile);
            if (p == null) {
                throw NssimgException.usage("flag --profile: unknown profile '" + profile + "' (known: "
                        + String.join(", ", file.profiles().keySet()) + ")");
            }
            wanted = p.builder() == null ? (file.defaults().builder() == null ? null : file.defaults().builder().value())
                    : p.builder().value();
        }
        if (wanted == null) {
            if (file.builders().size() != 1) {
                throw NssimgException.usage("builder create: name a builder (described in " + file.file() + ": "
                        + (file.builders().isEmpty() ? "none" : String.join(", ", file.builders().keySet())) + ")");
            }
            return file.builders().values().iterator().next();
        }
        BuilderSpec b = file.builders().get(wanted);
        if (b == null) {
            throw NssimgException.usage("builder '" + wanted + "' is not described in " + file.file() + " (described: "
                    + (file.builders().isEmpty() ? "none" : String.join(", ", file.builders().keySet())) + ")");
        }
        return b;
    }
}
