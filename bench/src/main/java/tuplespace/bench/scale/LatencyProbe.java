package tuplespace.bench.scale;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import tuplespace.bench.load.LatencySummary;
import tuplespace.bench.process.Waits;

/**
 * Clients that each send one small request at a time, pausing between an answer and the next request (a closed
 * loop): what an ordinary application sees while someone else reads the whole space. Each client has a thread and
 * a histogram of its own; a failed request is counted and the client carries on after its pause. They run from
 * {@link #start} (which warms their paths) but record only from {@link #startRecording}, when the big reads begin;
 * the longest GC pause of this JVM meanwhile is recorded too, to show the latencies are the server's.
 */
final class LatencyProbe {

    /** One connection of the probe; {@link #sendOne} returns when the answer is there and throws when it is wrong. */
    interface Client extends AutoCloseable {
        void sendOne(SplittableRandom random);

        @Override
        void close();
    }

    /** What the probe saw from {@link #startRecording} on (wall clock, ms) to {@link #stop}. */
    record Outcome(LatencySummary latency, long errors, String firstError, long fromMillis, long toMillis, double longestOwnGcPauseMillis) {
    }

    private final Duration pause;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Worker> workers = new ArrayList<>();
    private volatile boolean recording;
    private long fromMillis;
    private OwnGcPauses ownGcPauses;

    private LatencyProbe(Duration pause) {
        this.pause = pause;
    }

    /** Opens {@code clients} connections (not timed), then starts them all. */
    static LatencyProbe start(int clients, Duration pause, IntFunction<Client> open) {
        // Big reads before left this JVM's heap full of decoded answers: collected now rather than in the middle of
        // the probe, whose threads the collection would stop (a young one of them took over 2 s on the busy machine).
        System.gc();
        LatencyProbe probe = new LatencyProbe(pause);
        try {
            for (int i = 0; i < clients; i++) {
                probe.workers.add(probe.new Worker(open.apply(i), new SplittableRandom(1000 + i)));
            }
        } catch (RuntimeException e) {
            probe.workers.forEach(worker -> worker.client.close());
            throw e;
        }
        probe.workers.forEach(worker -> worker.thread.start());
        return probe;
    }

    /** From now on, latencies and errors count. Called once, by the thread that calls {@link #stop}. */
    void startRecording() {
        ownGcPauses = OwnGcPauses.start();
        fromMillis = System.currentTimeMillis();
        recording = true;
    }

    /** Stops every client, closes the connections and merges what they saw (nothing if recording never started). */
    Outcome stop() {
        long toMillis = System.currentTimeMillis();
        recording = false;
        stop.set(true);
        Histogram merged = LatencySummary.newNanosHistogram();
        long errors = 0;
        String firstError = null;
        for (Worker worker : workers) {
            worker.join();
            worker.client.close();
            merged.add(worker.latencyNanos);
            errors += worker.errors;
            firstError = firstError != null ? firstError : worker.firstError;
        }
        double longestGcPause = ownGcPauses == null ? 0 : ownGcPauses.longestMillis();
        if (ownGcPauses != null) {
            ownGcPauses.close();
        }
        return new Outcome(LatencySummary.of(merged), errors, firstError, fromMillis, toMillis, longestGcPause);
    }

    private final class Worker {
        private final Client client;
        private final SplittableRandom random;
        private final Thread thread;
        // Written by the worker's thread only; read after join, which orders the reads after the writes.
        private final Histogram latencyNanos = LatencySummary.newNanosHistogram();
        private long errors;
        private String firstError;

        Worker(Client client, SplittableRandom random) {
            this.client = client;
            this.random = random;
            this.thread = new Thread(this::loop, "latency-probe");
            thread.setDaemon(true);
        }

        private void loop() {
            while (!stop.get()) {
                boolean counts = recording;
                long sent = System.nanoTime();
                try {
                    client.sendOne(random);
                    if (counts) {
                        latencyNanos.recordValue(Math.min(System.nanoTime() - sent, latencyNanos.getHighestTrackableValue()));
                    }
                } catch (RuntimeException e) {
                    if (counts) {
                        errors++;
                        firstError = firstError != null ? firstError : e.toString();
                    }
                }
                Waits.sleep(pause);
            }
        }

        void join() {
            try {
                thread.join(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
