package io.memoram.connect.source.signal;

import io.memoram.connect.util.Threads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signal topic, read by one source task with a consumer of its own (like Debezium's Kafka
 * signal channel): no consumer group, partition 0 assigned, read from the lowest position the
 * task's users still need (their signal state, kept in Connect's offsets) or, for a task whose
 * users never saw a signal, from the end of the topic as it was when the task started (so an old
 * signal is never run by a new connector). Every task reads every signal and acts for its own users.
 * A record whose key is set and is not the connector's name is meant for another connector: skipped.
 * Nothing here fails the task: an unreadable topic is retried, a malformed signal logged by id and
 * skipped.
 */
public final class SignalChannel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SignalChannel.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(5);

    /** What the task does with the signals read. */
    public interface Handler {
        /** The topic's end offset when reading started: users without a position act on signals from there. */
        void started(long endAtStart);

        void signal(Signal signal);

        void malformed(long position, Signal.Malformed e);
    }

    private final String topic;
    private final Map<String, Object> consumerConfig;
    private final String connector;
    /** The next position to read (-1 until the end at start is known); this channel's thread only. */
    private long next;
    private boolean started;
    private final Handler handler;
    private final Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closed;

    /**
     * @param consumerConfig the consumer's settings (bootstrap servers, security); never logged here
     * @param from           the position to read from, or -1 for the end of the topic at start
     */
    public SignalChannel(String topic, Map<String, Object> consumerConfig, String connector, long from, Handler handler,
                         String threadName) {
        this.topic = topic;
        this.consumerConfig = new HashMap<>(consumerConfig);
        this.connector = connector;
        this.next = from;
        this.handler = handler;
        this.thread = Threads.inheritingContext(threadName).newThread(this::run);
    }

    public void start() {
        thread.start();
    }

    private KafkaConsumer<byte[], byte[]> open() {
        Map<String, Object> c = new HashMap<>(consumerConfig);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, never subscribed: no group, no commits
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "memoram-signals-" + connector + "-" + thread.getName());
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void run() {
        TopicPartition tp = new TopicPartition(topic, 0);
        boolean warned = false;
        while (!closed) {
            try (KafkaConsumer<byte[], byte[]> c = open()) {
                consumer = c;
                if (closed) {
                    return;
                }
                c.assign(List.of(tp));
                long end = c.endOffsets(List.of(tp)).get(tp);
                int partitions = c.partitionsFor(topic).size();
                if (partitions > 1) {
                    log.warn("Signal topic {} has {} partitions; only partition 0 is read (create it with one partition)",
                            topic, partitions);
                }
                if (!started) {
                    handler.started(end);
                    started = true;
                    next = next < 0 ? end : Math.min(next, end);
                }
                c.seek(tp, next);
                if (warned) {
                    log.info("Signal topic {} is readable again", topic);
                }
                warned = false;
                while (!closed) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                        accept(r);
                    }
                }
                return;
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!warned) {
                    // The class of the failure only: a client exception may name settings.
                    log.warn("Cannot read the signal topic {} ({}); trying again every {} s, streaming goes on", topic,
                            e.getClass().getSimpleName(), RETRY.toSeconds());
                    warned = true;
                }
                sleep();
            } finally {
                consumer = null;
            }
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> r) {
        next = r.offset() + 1;
        if (r.key() != null && !connector.equals(new String(r.key(), StandardCharsets.UTF_8))) {
            return; // for another connector sharing the topic
        }
        String json = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
        try {
            handler.signal(Signal.parse(json, r.offset()));
        } catch (Signal.Malformed e) {
            handler.malformed(r.offset(), e);
        } catch (RuntimeException e) {
            log.error("Signal at offset {} of {} could not be handled; skipped", r.offset(), topic, e);
        }
    }

    private void sleep() {
        synchronized (this) {
            try {
                if (!closed) {
                    wait(RETRY.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
    }

    /** Stops reading; waits briefly for the thread (a task's stop must not hang on Kafka). */
    @Override
    public void close() {
        closed = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        synchronized (this) {
            notifyAll();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
