package dev.nssimg.app;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.BuildArgs;
import dev.nssimg.profile.StarterProfiles;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.workspace.MakefileVars;
import dev.nssimg.workspace.NewFile;
import dev.nssimg.workspace.Project;
import dev.nssimg.workspace.Pyproject;
import dev.nssimg.workspace.TaskRunner;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * `nssimg init`: a starter profiles file for the repository, from its Dockerfile's stages and ARGs and its
 * Makefile's names for the Dockerfile and images. By default it goes outside the tree (the user's profiles file for
 * the project, which nssimg then reads); never over an existing file.
 */
public final class Init {
    static final String FILE_VAR = "CONTAINER_GPU_FILE";
    static final String IMAGE_VAR = "CONTAINER_GPU_IMAGE";
    static final String IMAGE_DEV_VAR = "CONTAINER_GPU_IMAGE_DEV";

    private Init() {}

    /** file: -f, or null (the Makefile's CONTAINER_GPU_FILE, else containers/Dockerfile.cuda). output: null for the user's file. */
    public record Request(String file, Path output) {}

    /** How nssimg finds the written file: by itself (the tree's or the user's file), or only with --config. */
    public enum Read { AUTOMATICALLY, WITH_CONFIG }

    public record Outcome(Path written, String dockerfile, boolean inTree, Read read) {}

    public static Outcome run(Invocation inv, Request req) {
        Project project = Project.discover(inv.cwd());
        Map<String, String> make = makefile(project);
        Path dockerfile;
        if (req.file() != null) {
            dockerfile = inv.cwd().resolve(req.file()).normalize();
        } else {
            dockerfile = project.root().resolve(make.getOrDefault(FILE_VAR, BuildArgs.DEFAULT_DOCKERFILE)).normalize();
        }
        if (!Files.isRegularFile(dockerfile)) {
            String origin = req.file() != null ? "flag --file" : make.containsKey(FILE_VAR) ? "Makefile " + FILE_VAR
                    : "nssimg's default Dockerfile (choose one with --file)";
            throw NssimgException.usage(origin + ": Dockerfile " + project.display(dockerfile) + " not found");
        }
        DockerfileInfo df = project.dockerfile(dockerfile);
        String image = make.getOrDefault(IMAGE_VAR, BuildArgs.DEFAULT_IMAGE);
        String imageDev = df.stage("dev").isPresent() ? make.getOrDefault(IMAGE_DEV_VAR, BuildArgs.DEFAULT_IMAGE_DEV) : null;
        String source = make.containsKey(IMAGE_VAR) ? "the Makefile's " + IMAGE_VAR + (imageDev == null ? "" : " and " + IMAGE_DEV_VAR)
                : "nssimg's defaults";
        String rel = dockerfile.startsWith(project.root()) ? project.root().relativize(dockerfile).toString() : dockerfile.toString();
        String yaml = StarterProfiles.render(df, rel, image, imageDev, source, Pyproject.extras(project.root()),
                TaskRunner.read(project.root(), null).gpuEnvArgs());
        Path out = req.output() != null ? inv.cwd().resolve(req.output()).normalize() : project.userProfiles(inv.env());
        String flag = req.output() != null ? "flag --output: " : "";
        Path tree = project.root().resolve(Project.PROFILES);
        if (req.output() == null && Files.isRegularFile(tree)) { // the tree's file comes first: the new one would never be read
            throw NssimgException.usage(project.display(tree) + " exists, and nssimg reads it before the user's profiles file;"
                    + " edit it, or pass --output FILE (then --config FILE)");
        }
        try {
            if (Files.exists(out)) {
                throw new FileAlreadyExistsException(out.toString());
            }
            NewFile.create(out, yaml);
        } catch (FileAlreadyExistsException e) {
            throw NssimgException.usage(flag + project.display(out) + " exists; nssimg init does not overwrite a profiles file"
                    + " (edit it, or remove it first)");
        } catch (IOException e) {
            throw NssimgException.usage(flag + "cannot write " + project.display(out) + ": " + e.getMessage());
        }
        Read read = out.equals(tree) || out.equals(project.userProfiles(inv.env())) ? Read.AUTOMATICALLY : Read.WITH_CONFIG;
        return new Outcome(out, df.file(), out.startsWith(project.root()), read);
    }

    private static Map<String, String> makefile(Project project) {
        Path mk = project.root().resolve("Makefile");
        try {
            return Files.isRegularFile(mk) ? MakefileVars.read(Files.readString(mk), Set.of(FILE_VAR, IMAGE_VAR, IMAGE_DEV_VAR))
                    : Map.of();
        } catch (IOException e) {
            return Map.of(); // an unreadable Makefile names nothing; the defaults apply
        }
    }
}
