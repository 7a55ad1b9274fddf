package io.memoram.connect.access;

import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.RequestListener;
import io.memoram.connect.client.RetryPolicy;
import io.memoram.connect.config.MemoramCommonConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.connect.connector.ConnectorContext;

/**
 * What a connector, source or sink, runs between {@code start} and {@code stop}: its client, its
 * {@link ConnectorAccess} and the {@link AccessRefresher} around it, started and closed the same way
 * by both connectors.
 */
public final class RunningAccess implements AutoCloseable {
    private final MemoramClient client;
    private final ConnectorAccess access;
    private AccessRefresher refresher;

    private RunningAccess(MemoramClient client, ConnectorAccess access) {
        this.client = client;
        this.access = access;
    }

    /**
     * Creates the connector's client (short retries: the connector's calls run on the worker's
     * threads) and access, refreshes once (bounded wait) and schedules the following refreshes; a
     * change of the requests asks the framework to reconfigure the tasks.
     *
     * @param remembered memory-key fingerprints to the request ids stored by earlier runs (absent ones omitted)
     * @param threadName the refresher thread's name
     * @param context    the connector's context, asked for when needed (a connector started without one, as in tests, works until then)
     * @throws org.apache.kafka.connect.errors.ConnectException a permanent failure of the first refresh; what
     *                                                          was started is closed
     */
    public static RunningAccess start(MemoramCommonConfig config, Function<List<String>, Map<String, String>> remembered,
                                      String threadName, Supplier<ConnectorContext> context) {
        MemoramClient client = MemoramClient.create(config.clientConfig(RequestListener.NONE)).withRetry(RetryPolicy.SHORT);
        ConnectorAccess access = new ConnectorAccess(client, new ConnectorAccess.Settings(config.accessRequestIds(),
                config.memoryKeys(), config.accessRequestReason(), remembered,
                () -> context.get().requestTaskReconfiguration()));
        RunningAccess running = new RunningAccess(client, access);
        try {
            running.refresher = AccessRefresher.start(access, config.accessCheckInterval(), threadName, e -> context.get().raiseError(e));
        } catch (RuntimeException e) {
            running.close();
            throw e;
        }
        return running;
    }

    public ConnectorAccess access() {
        return access;
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.close();
        }
        client.close();
    }
}
