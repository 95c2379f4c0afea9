package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.testing.ManagedProcess;

/**
 * {@code kill PID} (SIGTERM, as a service manager's stop sends) of one server of a durable service under writers: the
 * server says in its log that it stops on a signal, and the service goes on as after a crash of that process, losing
 * no acknowledged write. A primary's live backup takes over (the stopping primary lets it, rather than killing its
 * child when the links close); a backup's primary starts another.
 */
@Timeout(180)
class SigtermIT {

    private static final int WRITERS = 4;

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    void sigtermOfThePrimaryHandsTheServiceToItsBackupLosingNoAcknowledgedWrite() throws Exception {
        ServiceCluster service = started();
        ServiceStatus before = service.status();
        long backup = before.backupPid().orElseThrow();
        AcknowledgedWrites writes = writing(service, 11);

        ServiceCluster.sigterm(before.primaryPid());

        ManagedProcess primary = service.firstPrimary();
        assertThat(primary.awaitExit(ServiceCluster.READY_TIMEOUT)).as("the primary ended").isPresent();
        assertThat(primary.stderrText()).contains("primary pid " + before.primaryPid() + " stops on a signal")
                .contains("this primary stops on a signal: leaving backup pid " + backup);
        eventually(ServiceCluster.READY_TIMEOUT, service::status, status -> assertThat(status.hasPrimary()
                && status.primaryPid() == backup).as("the backup serves: %s", status).isTrue());
        writes.awaitAcknowledged(100, Duration.ofSeconds(60));
        writes.close();
        assertNoneMissing(service, writes);
    }

    @Test
    void sigtermOfTheBackupIsLoggedAndItsPrimaryStartsAnother() throws Exception {
        ServiceCluster service = started();
        ServiceStatus before = service.status();
        long backup = before.backupPid().orElseThrow();
        AcknowledgedWrites writes = writing(service, 12);

        ServiceCluster.sigterm(backup);

        eventually(ServiceCluster.READY_TIMEOUT, () -> ProcessHandle.of(backup).filter(ProcessHandle::isAlive),
                alive -> assertThat(alive).as("backup pid %d", backup).isEmpty());
        // the primary's child writes its log lines where the primary writes its own
        assertThat(service.firstPrimary().stderrText()).contains("backup pid " + backup + " stops on a signal");
        eventually(ServiceCluster.READY_TIMEOUT, service::status, status -> assertThat(status.primaryPid()
                == before.primaryPid() && status.backupPid().orElse(backup) != backup
                && "live".equals(status.backupState())).as("the same primary, another backup live: %s", status)
                .isTrue());
        writes.awaitAcknowledged(100, Duration.ofSeconds(60));
        writes.close();
        assertThat(service.awaitInSync().primaryPid()).as("the same primary, once idle").isEqualTo(before.primaryPid());
        assertNoneMissing(service, writes);
    }

    private ServiceCluster started() {
        ServiceCluster service = clusters.create(ServiceOptions.defaults().withServerArgs(
                "--data-dir", clusters.runDirectory().resolve("data").toString(), "--fsync", "everysec"));
        service.startProxy().startPrimary();
        service.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
        return service;
    }

    /** {@code WRITERS} writers (seeded {@code seed}) writing, 100 of their writes acknowledged. */
    private static AcknowledgedWrites writing(ServiceCluster service, long seed) {
        AcknowledgedWrites writes = new AcknowledgedWrites(service).start(WRITERS, seed);
        writes.awaitAcknowledged(100, Duration.ofSeconds(60));
        return writes;
    }

    private static void assertNoneMissing(ServiceCluster service, AcknowledgedWrites writes) throws Exception {
        try (LineClient reader = service.client()) {
            assertThat(writes.missingFrom(Requests.answerPairs(reader.call(Requests.get(1, "w.*", ".*")))))
                    .as("acknowledged writes missing, of %d", writes.acknowledged()).isEmpty();
        }
    }
}
