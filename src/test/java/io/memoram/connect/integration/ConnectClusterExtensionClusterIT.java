package io.memoram.connect.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.sink.MemoramSinkConnector;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cleanup the cluster tests rely on: whatever a test leaves behind (as one that fails half-way
 * does), the next test starts with no connector, all workers and no pending emulator fault.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectClusterExtensionClusterIT {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared();
    private static EmbeddedConnectCluster connect;

    @Test
    @Order(1)
    void aTestThatStopsHalfWayLeavesAConnectorAFaultAndAMissingWorker() {
        assertThat(connect).as("the static field the extension fills").isSameAs(cluster.cluster());
        EmulatedUser user = emu.createUser();
        String apiKey = emu.createApiKey();
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", MemoramSinkConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics", "left-behind");
        config.put("memoram.api.url", emu.baseUrl());
        config.put("memoram.api.key", apiKey);
        config.put("memoram.access.request.ids", emu.grantAccess(apiKey, user));
        connect.configureConnector("left-behind", config);
        emu.faults().on("POST", "/memory-blobs").next(5, Fault.status(503));
        connect.removeWorker();
        assertThat(connect.connectors()).containsExactly("left-behind");
        assertThat(emu.faults().pending()).isEqualTo(5);
        // ...and no cleanup here, as when an assertion fails before it.
    }

    @Test
    @Order(2)
    void theNextTestStartsClean() {
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(connect.connectors()).as("connectors").isEmpty();
            soft.assertThat(connect.healthyWorkers()).as("workers").hasSize(2);
            soft.assertThat(emu.faults().pending()).as("pending faults").isZero();
        });
    }
}
