package dev.nssimg.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.error.NssimgException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** tests: as written: every kind read, every mistake exit 2 naming FILE:LINE. */
class ImageTestsTest {
    static List<ImageTest> read(String yaml) {
        return ImageTests.parse(YamlNode.parse(new StringReader(yaml), "p.yaml"), "p.yaml", "profiles.gpu.tests");
    }

    static String error(String yaml) {
        NssimgException e = assertThrows(NssimgException.class, () -> read(yaml));
        assertEquals(2, e.exitCode().code());
        return e.getMessage();
    }

    @Test
    void everyKindIsRead() {
        List<ImageTest> t = read("""
                - {name: python, command: [python, --version], stdout: "Python 3\\\\.1[0-9]", timeout: 30}
                - {name: venv, file: /opt/venv/bin/python, exists: true, mode: 0755, owner: "appuser:appuser"}
                - {name: gone, file: /root/.netrc, exists: false}
                - {name: workdir, workdir: /workspace, stages: [runtime]}
                - {name: env, env: HF_HOME, value: "^/"}
                - {name: lbl, label: org.opencontainers.image.licenses}
                - {name: user, user: appuser}
                - {name: tini, entrypoint: [/usr/bin/tini, --]}
                - {name: ports, exposed: [8000]}
                - {name: gpu-visible, gpu: true, command: [nvidia-smi], platforms: [linux/amd64]}
                - {name: via-entrypoint, command: [--help], entrypoint: true, exit: 0}
                """);
        assertEquals(11, t.size());
        ImageTest.Command python = (ImageTest.Command) t.get(0).probe();
        assertEquals(List.of("python", "--version"), python.argv());
        assertEquals(30, python.timeoutSeconds());
        assertTrue(python.stdout().matcher("Python 3.13.1").find());
        ImageTest.FileProbe venv = (ImageTest.FileProbe) t.get(1).probe();
        assertEquals(0755, venv.mode(), "an unquoted 0755 is octal text, not YAML 1.1's integer");
        assertEquals(List.of("runtime"), t.get(3).stages());
        assertTrue(((ImageTest.Command) t.get(9).probe()).gpu());
        assertEquals(List.of("linux/amd64"), t.get(9).platforms());
        assertTrue(((ImageTest.Command) t.get(10).probe()).viaEntrypoint());
        assertEquals("p.yaml:1", t.get(0).origin());
    }

    @Test
    void mistakesNameTheirLine() {
        assertEquals("p.yaml:4: profiles.gpu.tests[b]: stdout is not a valid regular expression: Unclosed group near index 3",
                error("- {name: a, workdir: /w}\n- name: b\n  command: [x]\n  stdout: \"(ab\"\n"));
        assertTrue(error("- {name: a, command: [x], timeout: -3}").startsWith("p.yaml:1: profiles.gpu.tests[a]: timeout must be a"
                + " positive number of seconds, not '-3'"));
        assertTrue(error("- {name: a, command: [x], timeout: 0}").contains("timeout must be a positive number"));
        assertTrue(error("- {name: a, command: [x], colour: red}").contains("unknown key 'colour' (known: "));
        assertTrue(error("- {name: a, command: [x], mode: \"0755\"}").endsWith("key 'mode' does not apply to a command check"));
        assertTrue(error("- {name: a, file: /x, workdir: /y}").endsWith("says file and workdir; give one of command, file, env, label,"
                + " user, workdir, exposed, entrypoint"));
        assertTrue(error("- {name: a}").contains("says nothing to check"));
        assertTrue(error("- {command: [x]}").endsWith("a check needs a name"));
        assertTrue(error("- {name: a, workdir: /w}\n- {name: a, workdir: /v}\n").startsWith("p.yaml:2: profiles.gpu.tests: check name"
                + " 'a' is used twice"));
        assertTrue(error("- {name: a, command: \"nvidia-smi -L\"}").contains("command must be a list (argv: [python, --version];"
                + " no shell is implied)"));
        assertTrue(error("- {name: a, command: [x], gpu: yes-please}").contains("gpu must be true or false"));
        assertTrue(error("- {name: a, file: /x, mode: 999}").contains("mode must be octal (0755), not '999'"));
        assertTrue(error("- {name: a, workdir: /w, platforms: [linux]}").startsWith("p.yaml:1"));
        assertTrue(error("{name: a}").contains("must be a list of checks"));
    }
}
