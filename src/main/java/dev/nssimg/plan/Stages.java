package dev.nssimg.plan;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.Located;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which stage of a Dockerfile a build makes, and the ARG defaults it starts from, as BuildKit sees them. Pure. */
public final class Stages {
    private Stages() {}

    /**
     * The stage a build with that --target makes, found as BuildKit finds it: by name, case-insensitively. No
     * --target (null) means the stage named runtime when there is one (the image nssimg is about), else the last.
     */
    public static DockerfileInfo.Stage of(String target, DockerfileInfo df) {
        if (target == null) {
            return df.stage("runtime").orElse(df.defaultStage());
        }
        return df.stage(target).orElseThrow(() -> {
            List<String> named = df.namedStages();
            String why = named.isEmpty() ? "it has no named stages (without --target its last stage is built)"
                    : "stages: " + String.join(", ", named);
            String index = target.matches("\\d+") ? "; BuildKit looks stages up by name, not by number" : "";
            return NssimgException.usage("flag --target: '" + target + "' is not a stage of " + df.file() + " (" + why + ")" + index);
        });
    }

    /**
     * The stage of that --target, else the one a build without --target makes: a smoke judges an image whose
     * Dockerfile (another platform's, say) has no stage of that name by what the Dockerfile builds by default.
     */
    public static DockerfileInfo.Stage orDefault(String target, DockerfileInfo df) {
        return target == null ? of(null, df) : df.stage(target).orElseGet(() -> of(null, df));
    }

    /** The Dockerfile's ARG defaults for a build of stage, each located at its line (FILE:LINE). */
    public static Map<String, Located<String>> defaults(DockerfileInfo df, DockerfileInfo.Stage stage) {
        Map<String, Located<String>> out = new LinkedHashMap<>();
        df.argDefaults(stage).forEach((k, a) -> out.put(k, Located.of(a.value(), df.file() + ":" + a.line())));
        return out;
    }
}
