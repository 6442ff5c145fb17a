package dev.nssimg.cli;

import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.ProfilesFile;
import dev.nssimg.profile.Resolved;
import dev.nssimg.profile.Resolver;
import dev.nssimg.workspace.Project;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loads project, profiles file and resolved profile for a command. */
record Inputs(Project project, ProfilesFile file, Resolved resolved) {

    static Inputs load(Context ctx, CommonOptions common, Overrides flags) {
        Project project = Project.discover(ctx.cwd());
        ProfilesFile file = project.profiles(common.config);
        Resolved r = Resolver.resolve(file, common.profile, project.root(), project.cwd(), Overrides.fromEnv(ctx.env()), flags);
        return new Inputs(project, file, r);
    }

    /** KEY=VALUE flags; the value may itself contain '='. */
    static Map<String, Located<String>> keyValues(List<String> items, String flag) {
        Map<String, Located<String>> out = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw NssimgException.usage("flag " + flag + ": expected KEY=VALUE, got '" + item + "'");
            }
            out.put(item.substring(0, eq), Located.of(item.substring(eq + 1), "flag " + flag));
        }
        return out;
    }

    static dev.nssimg.buildx.DockerCli dockerCli(Context ctx) {
        return new dev.nssimg.buildx.DockerCli(ctx.launcher(), ctx.env(), ctx.cwd());
    }

    /** The image a command needs is not on the engine: exit 1, with the build command that makes it. */
    static NssimgException imageMissing(String ref, String host, String target, String profile) {
        return NssimgException.failed("image " + ref + " not found on the engine " + host + "; build it with: nssimg build --target "
                + target + (profile == null ? "" : " --profile " + profile));
    }

    static Located<String> flag(String value, String name) {
        return value == null ? null : Located.of(value, "flag " + name);
    }
}
