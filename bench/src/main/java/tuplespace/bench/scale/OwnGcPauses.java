package tuplespace.bench.scale;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The longest GC pause of this JVM (the bench's: the client library or Jedis) while something runs. A probe
 * request stalled by the client's own collection of a big answer is no fault of the server; this tells the two apart.
 */
final class OwnGcPauses implements AutoCloseable {

    private final AtomicLong longestMillis = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onCollection;

    private OwnGcPauses() {
    }

    static OwnGcPauses start() {
        OwnGcPauses pauses = new OwnGcPauses();
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            // G1's concurrent cycle (a bean of its own on newer JDKs) runs beside the application: no pause.
            if (collector instanceof NotificationEmitter emitter && !collector.getName().contains("Concurrent")) {
                emitter.addNotificationListener(pauses.listener, null, null);
                pauses.emitters.add(emitter);
            }
        }
        return pauses;
    }

    private void onCollection(Notification notification, Object handback) {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            longestMillis.accumulateAndGet(info.getGcInfo().getDuration(), Math::max);
        }
    }

    /** The longest pause seen so far, in milliseconds. */
    double longestMillis() {
        return longestMillis.get();
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException alreadyGone) {
                // Nothing to remove.
            }
        }
    }
}
