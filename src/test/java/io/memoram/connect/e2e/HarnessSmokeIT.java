package io.memoram.connect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HarnessSmokeIT {
    @Test
    void brokerAndWorkerStart() throws Exception {
        Progress progress = new Progress(System.out);
        KafkaDistribution dist = KafkaDistribution.ensure(progress);
        Path work = ProjectPaths.targetDir().resolve("smoke-" + System.currentTimeMillis());
        progress.step("broker");
        try (KafkaBroker broker = KafkaBroker.start(dist, work.resolve("broker"), Duration.ofSeconds(60))) {
            progress.step("broker up " + broker.bootstrapServers());
            PluginInstaller.install(ProjectPaths.hubArchive(), work.resolve("plugins"));
            try (ConnectWorker w = ConnectWorker.start(dist, work.resolve("w1"), new ConnectWorker.Spec("worker-1",
                    broker.bootstrapServers(), work.resolve("plugins"), "smoke", "service_load", Map.of(), Map.of(), true))) {
                w.awaitReady(Duration.ofSeconds(60));
                progress.step("worker up " + w.rest().get("/connector-plugins").text());
                assertThat(w.rest().get("/").status()).isEqualTo(200);
                progress.step("stopping");
            }
            progress.step("worker stopped");
        }
        progress.step("broker stopped");
    }
}
