package dev.nssimg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nssimg.error.NssimgException;
import dev.nssimg.model.RunSpec;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.RunSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ipc, ulimits and /dev/shm from the preset, the profile's run: section and flags. */
class RunOptionsTest {
    @Test
    void presetThenProfileThenFlags() {
        RunSettings profile = new RunSettings(Located.of("pytorch", "p.yaml:3"), null, null,
                Map.of("memlock", Located.of("8388608", "p.yaml:4")), Map.of(), List.of());
        RunOptions.Options o = RunOptions.resolve(profile, null, null, null, List.of("nofile=1024:2048"), "1g");
        assertEquals("host", o.ipc());
        assertEquals(List.of(new RunSpec.Ulimit("memlock", 8388608, 8388608), new RunSpec.Ulimit("stack", 67108864, 67108864),
                new RunSpec.Ulimit("nofile", 1024, 2048)), o.ulimits());
        assertEquals(0, o.shmSize(), "ipc host: no shm size, not even the default");
        RunOptions.Options priv = RunOptions.resolve(profile, null, "private", null, List.of(), "1g");
        assertEquals(1L << 30, priv.shmSize());
        assertNull(RunOptions.resolve(RunSettings.EMPTY, null, null, null, List.of(), null).ipc());
    }

    @Test
    void badValuesNameTheirOrigin() {
        assertEquals("flag --preset: unknown run preset 'tf' (known: pytorch)", assertThrows(NssimgException.class,
                () -> RunOptions.resolve(RunSettings.EMPTY, "tf", null, null, List.of(), null)).getMessage());
        assertEquals("flag --ipc: ipc 'shared' is not one of host, private, shareable, none", assertThrows(NssimgException.class,
                () -> RunOptions.resolve(RunSettings.EMPTY, null, "shared", null, List.of(), null)).getMessage());
        assertThrows(NssimgException.class, () -> RunOptions.resolve(RunSettings.EMPTY, null, null, null, List.of("memlock=lots"), null));
        assertThrows(NssimgException.class, () -> RunOptions.resolve(RunSettings.EMPTY, null, null, null, List.of("memlock=9:8"), null));
        assertThrows(NssimgException.class, () -> RunOptions.resolve(RunSettings.EMPTY, null, null, null, List.of("memory=1"), null));
        assertThrows(NssimgException.class, () -> RunOptions.resolve(RunSettings.EMPTY, null, null, "1x", List.of(), null));
    }
}
