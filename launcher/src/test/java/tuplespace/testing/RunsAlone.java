package tuplespace.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * An integration test class held to the machine's timing: a bound on how long something takes (a takeover, a wait
 * for a primary), a failover that must not happen while big answers or slow readers load the service, a bound on
 * memory growth. On 2 cores such a test does not hold beside another test class's processes, so the build runs
 * these classes one at a time, in a run of their own, and the others two at a time (the launcher pom's failsafe
 * executions select them by this tag).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(RunsAlone.TAG)
public @interface RunsAlone {

    /** The JUnit tag the build selects these classes by; the launcher pom names it too. */
    String TAG = "runs-alone";
}
