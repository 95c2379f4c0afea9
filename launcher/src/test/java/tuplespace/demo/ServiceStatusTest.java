package tuplespace.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ServiceStatusTest {

    @Test
    void readsRolesPidsAndBackupStateFromTheProxysStatusLine() {
        String line = "{\"proxy\":{\"pid\":10,\"clients\":0,\"maxClients\":64,\"epoch\":2,\"held\":0},"
                + "\"primary\":{\"role\":\"primary\",\"pid\":11,\"epoch\":2,\"replication\":\"sync\",\"index\":5,"
                + "\"size\":3,\"digest\":-7,\"backup\":{\"state\":\"live\",\"pid\":12,\"index\":5,\"digest\":-7,"
                + "\"restarts\":0},\"clients\":0,\"saveFile\":\"/x.json\"}}";
        ServiceStatus status = ServiceStatus.parse(line).orElseThrow();
        assertThat(status.proxyPid()).isEqualTo(10);
        assertThat(status.primaryPid()).isEqualTo(OptionalLong.of(11));
        assertThat(status.epoch()).isEqualTo(2);
        assertThat(status.size()).isEqualTo(3);
        assertThat(status.backupPid()).isEqualTo(OptionalLong.of(12));
        assertThat(status.isReady()).isTrue();
    }

    @Test
    void withoutAPrimaryTheServiceIsNotReady() {
        ServiceStatus status = ServiceStatus.parse("{\"proxy\":{\"pid\":10},\"primary\":null}").orElseThrow();
        assertThat(status.hasPrimary()).isFalse();
        assertThat(status.isReady()).isFalse();
    }

    @Test
    void aBackupThatIsNotLiveYetIsNotReady() {
        ServiceStatus status = ServiceStatus.parse(
                "{\"proxy\":{\"pid\":1},\"primary\":{\"pid\":2,\"epoch\":1,\"backup\":{\"state\":\"syncing\",\"pid\":3}}}")
                .orElseThrow();
        assertThat(status.hasPrimary()).isTrue();
        assertThat(status.isReady()).isFalse();
    }

    @Test
    void anythingElseIsNoStatus() {
        assertThat(ServiceStatus.parse("error: expected SHUTDOWN or STATUS")).isEmpty();
        assertThat(ServiceStatus.parse("{\"role\":\"primary\"}")).isEmpty();
    }
}
