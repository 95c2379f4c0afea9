package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tuplespace.proxy.WitnessFixture.BACKUP;
import static tuplespace.proxy.WitnessFixture.PRIMARY;
import static tuplespace.proxy.WitnessFixture.register;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.codec.frame.Frame;

/**
 * A switchover (docs/design.md "Switchover"): the registered primary is told to step down; once it says STEPPED_DOWN
 * its replica is promoted at once (PROMOTE with the switchover flag: it must not fence the old primary) and the old
 * primary is told the new epoch, which makes it the backup; the operator's answer comes when the new primary
 * registers. Without a replica that follows, or when the primary refuses, nothing changes and the answer says why.
 */
@Timeout(30)
class ProxySwitchoverTest {

    @RegisterExtension
    final WitnessFixture witness = new WitnessFixture();
    private ProxyServer proxy;

    @Test
    void aSteppedDownPrimaryHandsOverToItsReplicaAndTheOperatorHearsWhenTheNewPrimaryServes() throws IOException {
        proxy = witness.start();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary backup = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            assertThat(register(primary, 3, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
            backup.send(new Frame.Follow(3, BACKUP));
            backup.send(new Frame.Ping(1)); // heard: the follower counts as there
            assertThat(backup.receive()).isEqualTo(new Frame.Pong(1));

            admin.send("SWITCHOVER");
            assertThat(primary.receive()).isEqualTo(new Frame.StepDown(3));
            primary.send(new Frame.SteppedDown(17));
            assertThat(backup.receive()).isEqualTo(new Frame.Promote(4, true));
            assertThat(primary.receive()).as("the old primary hears the new epoch: it becomes the backup")
                    .isEqualTo(new Frame.StaleEpoch(4));
            try (FakePrimary promoted = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(promoted, 4, BACKUP, 0)).isInstanceOf(Frame.Registered.class);
                assertThat(admin.readLine()).startsWith("ok: switched over in ")
                        .contains("server 2222", "primary of epoch 4", "old primary (pid " + (4000 + PRIMARY) + ")");
            }
        }
    }

    @Test
    void withoutAReplicaThereIsNothingToSwitchOverTo() throws IOException {
        proxy = witness.start();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            assertThat(admin.send("SWITCHOVER").readLine())
                    .isEqualTo("error: no primary is registered: nothing to switch over from");
            assertThat(register(primary, 1, PRIMARY, 0)).isInstanceOf(Frame.Registered.class);
            assertThat(admin.send("switchover").readLine()).startsWith("error: primary(epoch 1")
                    .endsWith("has no backup in step (it serves on one copy): nothing to switch over to");
            primary.send(new Frame.Replica(BACKUP)); // named, but that backup does not follow at the proxy
            // the REPLICA frame and the admin line arrive on different connections: asked until the proxy has read it
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(admin.send("SWITCHOVER").readLine())
                    .isEqualTo("error: the backup in step (server 2222) does not follow at the proxy now: it could"
                            + " not be promoted"));
        }
    }

    @Test
    void aRefusedStepDownLeavesThePrimaryServingAndSaysWhy() throws IOException {
        proxy = witness.start();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary backup = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            assertThat(register(primary, 2, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
            backup.send(new Frame.Follow(2, BACKUP));
            backup.send(new Frame.Ping(1));
            assertThat(backup.receive()).isEqualTo(new Frame.Pong(1));

            admin.send("SWITCHOVER");
            assertThat(primary.receive()).isEqualTo(new Frame.StepDown(2));
            primary.send(new Frame.StepDownRefused("backup server 2222 did not acknowledge index 9 within 5 s"));
            assertThat(admin.readLine()).isEqualTo("error: the primary did not step down: backup server 2222 did not"
                    + " acknowledge index 9 within 5 s");
            // still the primary: a second switchover is asked of it again
            admin.send("SWITCHOVER");
            assertThat(primary.receive()).isEqualTo(new Frame.StepDown(2));
        }
    }
}
