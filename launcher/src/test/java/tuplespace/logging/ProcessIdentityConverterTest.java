package tuplespace.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessIdentityConverterTest {

    @Test
    void theRoleIsTheLauncherSubcommandOrTheServiceMainClass() {
        assertThat(ProcessIdentityConverter.subcommandOf("/x/tuplespace.jar proxy 127.0.0.1:1 127.0.0.1:2 127.0.0.1:3"))
                .isEqualTo("proxy");
        assertThat(ProcessIdentityConverter.subcommandOf("tuplespace.cli.Main --log-level=DEBUG demo")).isEqualTo("demo");
        assertThat(ProcessIdentityConverter.subcommandOf("tuplespace.node.ServerMain 127.0.0.1:1 a b c f 42 null"))
                .isEqualTo("server");
        assertThat(ProcessIdentityConverter.subcommandOf("org.example.Other")).isEqualTo("tuplespace");
    }
}
