package tuplespace.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessIdentityTest {

    @Test
    void theRoleIsTheLauncherSubcommandOrTheServiceMainClass() {
        assertThat(ProcessIdentity.subcommandOf("/x/tuplespace.jar proxy 127.0.0.1:1 127.0.0.1:2 127.0.0.1:3"))
                .isEqualTo("proxy");
        assertThat(ProcessIdentity.subcommandOf("tuplespace.cli.Main --log-level=DEBUG demo")).isEqualTo("demo");
        assertThat(ProcessIdentity.subcommandOf("tuplespace.node.ServerMain 127.0.0.1:1 a b c f 42 null"))
                .isEqualTo("server");
        assertThat(ProcessIdentity.subcommandOf("org.example.Other")).isEqualTo("tuplespace");
    }
}
