package dev.nssimg.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
    void theLastMatchingLineDecides() {
        IgnoreRules r = IgnoreRules.parse(".dockerignore", "*.md\n!README.md\nREADME.md\n");
        assertEquals(3, r.excluding("README.md").line());
        IgnoreRules back = IgnoreRules.parse(".dockerignore", "*.md\n!README*.md\n");
        assertNull(back.excluding("README.md"));
        assertEquals(1, back.excluding("CHANGES.md").line());
    }
}
