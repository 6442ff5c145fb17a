package dev.nssimg.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** .dockerignore as BuildKit reads it: patterns, ** across directories, parent directories, '!' exceptions, last match wins. */
class IgnoreRulesTest {
    private static final IgnoreRules RULES = IgnoreRules.parse(".dockerignore", """
            # comment
            /dist/
            **/__pycache__
            *.log
            docs/*.md
            !docs/KEEP.md
            THIRD_PARTY.md
            build?
            """);

    @Test
    void patternsMatchAsBuildkitsDo() {
        assertEquals(2, RULES.excluding("dist/pkg-1.0-py3-none-any.whl").line(), "under an excluded directory, leading / dropped");
        assertEquals(3, RULES.excluding("src/a/__pycache__/x.pyc").line(), "** spans directories");
        assertEquals(3, RULES.excluding("__pycache__").line(), "**/ also matches at the top");
        assertEquals(4, RULES.excluding("run.log").line());
        assertNull(RULES.excluding("logs/run.log"), "* stays within one path element");
        assertEquals(5, RULES.excluding("docs/guide.md").line());
        assertNull(RULES.excluding("docs/KEEP.md"), "an exception after the pattern sends it");
        assertEquals(7, RULES.excluding("THIRD_PARTY.md").line());
        assertEquals(8, RULES.excluding("build1").line());
        assertNull(RULES.excluding("build12"));
        assertNull(RULES.excluding("src/main.py"));
    }

    @Test
    void formsNssimgCannotTranslateDecideNothingAndAreListed() {
        IgnoreRules r = IgnoreRules.parse(".dockerignore",
                "\uFEFF*.tmp\nlog[[:digit:]]\n  # not a comment here\na/**.txt\nx[z-a]\n");
        assertEquals(1, r.excluding("x.tmp").line(), "a byte-order mark is not part of the first pattern");
        assertEquals(2, r.excluding("log1").line(), "a POSIX class in a bracket expression");
        assertNull(r.excluding("loga"));
        assertEquals(4, r.excluding("a/b/.txt").line(), "** inside an element spans directories, as BuildKit's (.*/)?");
        assertNull(r.excluding("a/b/c.txt"), "and no more than BuildKit's does");
        assertEquals(3, r.excluding("# not a comment here").line(), "only a # in the first column starts a comment");
        assertEquals(List.of(5), r.unread().stream().map(IgnoreRules.Rule::line).toList(), "a form nssimg cannot translate");
    }

    @Test
    void eachEngineReadsItsOwnIgnoreFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path ctx) throws Exception {
        java.nio.file.Path df = java.nio.file.Files.createDirectories(ctx.resolve("containers")).resolve("Dockerfile.cuda");
        java.nio.file.Files.writeString(df, "FROM scratch\n");
        java.nio.file.Files.writeString(ctx.resolve(".dockerignore"), "docker-only\n");
        java.nio.file.Files.writeString(ctx.resolve(".containerignore"), "podman-only\n");
        assertEquals(".dockerignore", ContextSources.ignoreFile(df, ctx, false).file(), "BuildKit: the context's .dockerignore");
        assertEquals(".containerignore", ContextSources.ignoreFile(df, ctx, true).file(), "buildah: .containerignore first");
        java.nio.file.Files.writeString(ctx.resolve("containers/Dockerfile.cuda.dockerignore"), "own\n");
        assertEquals("containers/Dockerfile.cuda.dockerignore", ContextSources.ignoreFile(df, ctx, false).file(),
                "the Dockerfile's own NAME.dockerignore beats the context's");
    }

    @Test
    void theLastMatchingLineDecides() {
        IgnoreRules r = IgnoreRules.parse(".dockerignore", "*.md\n!README.md\nREADME.md\n");
        assertEquals(3, r.excluding("README.md").line());
        IgnoreRules back = IgnoreRules.parse(".dockerignore", "*.md\n!README*.md\n");
        assertNull(back.excluding("README.md"));
        assertEquals(1, back.excluding("CHANGES.md").line());
    }
}
