package tuplespace.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Lines;
import tuplespace.codec.ShutdownPortCommand;

/**
 * Builds the proxy's STATUS line: {@code {"proxy":{pid, clients, maxClients, epoch, held, replica, followers,
 * primaryShutdownSap, waitsFor, awaitingJudgement, promoting, primaries}, "primary":<the primary's own STATUS JSON, or
 * null>}} (docs/internals.md "STATUS").
 * The primary is asked through its shutdown SAP, for as long as the proxy holds it (at most the network timeout).
 */
final class ProxyStatusReporter {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyStatusReporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProxyContext context;
    private final PrimaryShutdownSapClient primaryShutdownSap;

    ProxyStatusReporter(ProxyContext context, PrimaryShutdownSapClient primaryShutdownSap) {
        this.context = context;
        this.primaryShutdownSap = primaryShutdownSap;
    }

    /** Completes with one JSON line (no newline); never fails: a primary that does not answer is {@code null}. */
    Future<String> statusLine() {
        Promise<String> line = context.controlLoop().newPromise();
        PrimaryLink link = context.registry().current();
        if (link == null) {
            line.setSuccess(render(NullNode.getInstance()));
            return line;
        }
        Future<String> asked = primaryShutdownSap.send(link.shutdownSap(), ShutdownPortCommand.STATUS.name());
        // a primary lost meanwhile (a crash, or silent past the ping bound: a hung one answers nothing) is not waited
        // for: STATUS then says at once what the proxy did about the loss, once the task that handles it is done
        GenericFutureListener<Future<Void>> giveUp = ended -> context.controlLoop().execute(() -> asked.cancel(false));
        link.ended().addListener(giveUp);
        asked.addListener(answer -> {
            link.ended().removeListener(giveUp); // a primary answering STATUS for days keeps no listener per STATUS
            JsonNode primary = NullNode.getInstance();
            if (answer.isSuccess()) {
                primary = parsePrimaryStatus(link, (String) answer.getNow());
            } else if (!answer.isCancelled()) {
                LOG.warn("STATUS of {} failed: {}", link, answer.cause().toString());
            }
            line.setSuccess(render(primary));
        });
        return line;
    }

    private JsonNode parsePrimaryStatus(PrimaryLink link, String answer) {
        try {
            JsonNode status = JSON.readTree(answer);
            if (status != null && status.isObject()) {
                return status;
            }
        } catch (java.io.IOException e) {
            LOG.debug("unparsable STATUS", e);
        }
        LOG.warn("STATUS of {}: expected one JSON object, found '{}'", link,
                Lines.shortened(answer, 200));
        return NullNode.getInstance();
    }

    private String render(JsonNode primary) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode proxy = root.putObject(ProxyStatusField.PROXY.jsonName());
        proxy.put(ProxyStatusField.PID.jsonName(), context.pid());
        proxy.put(ProxyStatusField.CLIENTS.jsonName(), context.sessions().clients());
        proxy.put(ProxyStatusField.MAX_CLIENTS.jsonName(), context.sessions().maxClients());
        context.registry().highestEpoch().ifPresentOrElse(
                epoch -> proxy.put(ProxyStatusField.EPOCH.jsonName(), epoch),
                () -> proxy.putNull(ProxyStatusField.EPOCH.jsonName()));
        proxy.put(ProxyStatusField.HELD.jsonName(), context.sessions().undelivered());
        PrimaryLink link = context.registry().current();
        long replica = context.registry().promotable();
        if (replica != 0) {
            proxy.put(ProxyStatusField.REPLICA.jsonName(), Long.toHexString(replica));
        } else {
            proxy.putNull(ProxyStatusField.REPLICA.jsonName());
        }
        proxy.put(ProxyStatusField.FOLLOWERS.jsonName(), context.registry().followerCount());
        if (link != null) {
            proxy.put(ProxyStatusField.PRIMARY_SHUTDOWN_SAP.jsonName(), link.shutdownSap().toString());
        } else {
            proxy.putNull(ProxyStatusField.PRIMARY_SHUTDOWN_SAP.jsonName());
        }
        context.registry().awaitedDirectory().ifPresentOrElse(
                directory -> proxy.put(ProxyStatusField.WAITS_FOR.jsonName(), directory),
                () -> proxy.putNull(ProxyStatusField.WAITS_FOR.jsonName()));
        context.registry().awaitingJudgement().ifPresentOrElse(
                sap -> proxy.put(ProxyStatusField.AWAITING_JUDGEMENT.jsonName(), sap.toString()),
                () -> proxy.putNull(ProxyStatusField.AWAITING_JUDGEMENT.jsonName()));
        proxy.put(ProxyStatusField.PROMOTING.jsonName(), context.registry().promotionPending());
        ArrayNode primaries = proxy.putArray(ProxyStatusField.PRIMARIES.jsonName());
        for (RegisteredPrimaries.Entry entry : context.registry().registeredPrimaries()) {
            ObjectNode registered = primaries.addObject();
            registered.put(ProxyStatusField.PRIMARIES_EPOCH.jsonName(), entry.epoch());
            registered.put(ProxyStatusField.PRIMARIES_PID.jsonName(), entry.pid());
            registered.put(ProxyStatusField.PRIMARIES_HOW.jsonName(), entry.how().text());
            registered.put(ProxyStatusField.PRIMARIES_REGISTERED.jsonName(), entry.registered().toString());
            registered.put(ProxyStatusField.PRIMARIES_LOST.jsonName(),
                    entry.ended().map(Object::toString).orElse(null));
            registered.put(ProxyStatusField.PRIMARIES_WHY.jsonName(), entry.why().orElse(null));
            registered.put(ProxyStatusField.PRIMARIES_TIMES.jsonName(), entry.times());
        }
        root.set(ProxyStatusField.PRIMARY.jsonName(), primary);
        return root.toString();
    }
}
