package io.memoram.connect.source;

import java.time.Duration;

/**
 * The pull pipeline's settings from the task's config, read by {@link PullPipeline} and the helpers
 * it hands work to ({@link AccessEvents}, {@link PassStartLag}).
 */
record PipelineSettings(Duration pollInterval, int maxInFlight, long maxBufferBytes, boolean failOnAccessRevoked,
                        String accessTopic) { }
