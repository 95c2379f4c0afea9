package tuplespace.bench.slowreaders;

import tuplespace.bench.load.LatencySummary;

/**
 * What the slow-readers scenario measured: clients pipelining a GET of every pair and never reading, and one
 * well-behaved client's exact GETs meanwhile.
 *
 * @param answerBytes the size of one slow reader's answer (text mode)
 * @param seconds how long the slow readers pushed while the well-behaved client was measured
 * @param proxyIdleRss resident set of the proxy before the slow readers came; {@code primaryIdleRss} likewise
 * @param proxyPeakRss the highest resident set of the proxy sampled while they pushed; {@code primaryPeakRss} likewise
 * @param proxyHeapAfterGc heap the proxy uses after a full GC at the end, the slow readers still connected: what it
 *     holds for them (the resident set also has the heap the collector grew to meanwhile); {@code primaryHeapAfterGc}
 *     likewise; -1 when not measured
 * @param exactGets the well-behaved client's exact GETs, one at a time, while the slow readers pushed
 * @param heldBackSeconds when the proxy held none of the slow readers' requests any more (the work they cause is
 *     done; TCP stops them), seconds from their start; -1 if not within the run
 * @param exactGetsOnceHeldBack those of {@code exactGets} sent from then on
 * @param failovers epochs the service went through meanwhile (0: the primary stayed)
 * @param slowReaderBytes request bytes the slow readers got into their sockets, in all
 * @param stoppedEarly why the scenario stopped before its time (a resident set over the safety limit), or null
 */
public record SlowReadersResult(int slowReaders, int pairs, long answerBytes, double seconds, long proxyIdleRss,
                                long primaryIdleRss, long proxyPeakRss, long primaryPeakRss, long proxyHeapAfterGc,
                                long primaryHeapAfterGc, LatencySummary exactGets,
                                long exactGetErrors, double heldBackSeconds, LatencySummary exactGetsOnceHeldBack,
                                long failovers, long slowReaderBytes, String stoppedEarly) {
}
