package dev.nssimg.profile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.nssimg.dockerfile.DockerfileInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The starter profiles file of `nssimg init` for a repository's Dockerfile: only what differs from the Dockerfile
 * (the platforms, the arm64 SM list, the images), so its ARG defaults keep applying as the file changes. Pure.
 */
public final class StarterProfiles {
    /** The spec's SM list for arm64 (Grace / Blackwell); amd64's is the Dockerfile's own default. */
    public static final String ARM64_ARCH_FLAGS = "90;90a;120;120a";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private StarterProfiles() {}

    /**
     * dockerfile: as the file names it (relative to the root); image, imageDev: the images (imageDev null without a
     * dev stage); source: where the images came from, for the header.
     */
    public static String render(DockerfileInfo df, String dockerfile, String image, String imageDev, String source) {
        return render(df, dockerfile, image, imageDev, source, null, Map.of());
    }

    /**
     * As above; extras: the project's Python extras (pyproject.toml), or null. When the Dockerfile hands a build
     * argument to {@code uv sync --extra} (its GPU variant), each GPU extra (cuNNN) gets a profile of its own that sets
     * that argument (and CONTAINER_VARIANT where declared) and tags its images by variant.
     */
    public static String render(DockerfileInfo df, String dockerfile, String image, String imageDev, String source,
            java.util.Set<String> extras, Map<String, String> envArgs) {
        ObjectNode root = YAML.createObjectNode();
        ObjectNode defaults = root.putObject("defaults");
        defaults.put("dockerfile", dockerfile);
        defaults.put("image", image);
        if (imageDev != null) {
            defaults.put("image-dev", imageDev);
        }
        defaults.putArray("platforms").add("linux/amd64").add("linux/arm64");
        if (!envArgs.isEmpty()) {
            // The repository's runner's own mapping, stated outright: it holds where nssimg cannot read the runner.
            ObjectNode ea = defaults.putObject("env-args");
            envArgs.forEach((var, arg) -> {
                if (df.declaredArgs().contains(arg)) {
                    ea.put(var, arg);
                }
            });
            if (ea.isEmpty()) {
                defaults.remove("env-args");
            }
        }
        boolean smList = armNeedsItsOwnSmList(df);
        if (smList) {
            defaults.putObject("platform-args").putObject("linux/arm64").put(BuildArgs.CUDA_ARCH_FLAGS, ARM64_ARCH_FLAGS);
        }
        ObjectNode profiles = root.putObject("profiles");
        profiles.putObject("amd64").put("description", "x86_64 hosts").put("platform", "linux/amd64");
        // Its SM list is the defaults' platform-args for linux/arm64, which a single-platform arm64 build uses too.
        profiles.putObject("arm64").put("description", "Grace / Blackwell").put("platform", "linux/arm64");
        String variantArg = df.extraArgs().keySet().stream().findFirst().orElse(null);
        if (variantArg != null && extras != null) {
            for (String extra : extras) {
                if (!extra.matches("cu\\d+")) {
                    continue; // cpu, engine and the like are not GPU variants
                }
                ObjectNode v = profiles.putObject(extra);
                v.put("description", "the " + extra + " GPU variant (" + variantArg + "=" + extra + ")");
                ObjectNode args = v.putObject("args").put(variantArg, extra);
                if (df.declaredArgs().contains(VARIANT_ARG) && !variantArg.equals(VARIANT_ARG)) {
                    args.put(VARIANT_ARG, extra);
                }
                v.put("image", repository(image) + ":" + extra);
                if (imageDev != null) {
                    v.put("image-dev", repository(imageDev) + ":" + extra);
                }
            }
        }
        try {
            return header(df, source) + YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Upstream's label of the variant an image is (its tag names it too). */
    static final String VARIANT_ARG = "CONTAINER_VARIANT";

    /** An image reference without its tag (nss-gpu:latest is nss-gpu; a registry port stays). */
    private static String repository(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(0, colon) : image;
    }

    /** The Dockerfile takes CUDA_ARCH_FLAGS and its default is not already arm64's list. */
    static boolean armNeedsItsOwnSmList(DockerfileInfo df) {
        if (!df.declaredArgs().contains(BuildArgs.CUDA_ARCH_FLAGS)) {
            return false;
        }
        DockerfileInfo.ArgDefault d = df.argDefaults().get(BuildArgs.CUDA_ARCH_FLAGS);
        return d == null || !ARM64_ARCH_FLAGS.equals(d.value());
    }

    private static String header(DockerfileInfo df, String source) {
        StringBuilder sb = new StringBuilder();
        sb.append("# nssimg profiles, written by nssimg init from ").append(df.file()).append(" (stages: ")
                .append(String.join(", ", df.stages().stream().map(s -> s.named() ? s.name() : "#" + s.name()).toList()))
                .append(").\n");
        sb.append("# Only what differs from that Dockerfile is set here (images: ").append(source).append(").\n");
        sb.append("# Its ARG defaults apply to everything else, as the Dockerfile changes:\n");
        List<Map.Entry<String, DockerfileInfo.ArgDefault>> args = List.copyOf(df.argDefaults().entrySet());
        for (Map.Entry<String, DockerfileInfo.ArgDefault> e : args) {
            sb.append("#   ").append(e.getKey()).append('=').append(e.getValue().value()).append("  (line ")
                    .append(e.getValue().line()).append(")\n");
        }
        sb.append("# nssimg profiles show NAME prints every value and where it comes from.\n");
        return sb.toString();
    }
}
