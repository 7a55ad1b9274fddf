package io.memoram.connect.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

    private static final Path DOC = Path.of(ConfigDocs.DEFAULT_OUTPUT);

    @Test
    void checkedInReferenceMatchesTheConfigDefs() throws IOException {
        assertThat(DOC).as("docs/configuration.md is missing: generate it with `%s`", ConfigDocs.REGENERATE_COMMAND)
                .exists();
        String checkedIn = Files.readString(DOC, StandardCharsets.UTF_8);
        assertThat(checkedIn)
                .as("docs/configuration.md is stale (a ConfigDef changed): regenerate it with `%s` and commit it",
                        ConfigDocs.REGENERATE_COMMAND)
                .isEqualTo(ConfigDocs.render());
    }

    @Test
    void everyKeyAndGroupOfBothConnectorsIsDocumented() {
        String md = ConfigDocs.render();
        for (ConfigDef def : new ConfigDef[] {MemoramSourceConfig.CONFIG_DEF, MemoramSinkConfig.CONFIG_DEF}) {
            def.configKeys().keySet().forEach(key -> assertThat(md).contains("| `" + key + "` |"));
            def.groups().forEach(group -> assertThat(md).contains("### " + group + "\n"));
        }
    }

    @Test
    void requiredSettingsAndSecretsAreMarked() {
        String md = ConfigDocs.render();
        assertThat(md).contains("| `memoram.api.key` | password | *required* |");
        assertThat(md).contains("| `memoram.memory.keys` | password | *empty* |");
        assertThat(md).contains("| `memoram.api.url` | string | `" + MemoramCommonConfig.API_URL_DEFAULT + "` |");
    }

    @Test
    void writesTheFileItRenders(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path out = dir.resolve("sub/configuration.md");
        ConfigDocs.write(out);
        assertThat(Files.readString(out)).isEqualTo(ConfigDocs.render());
    }
}
