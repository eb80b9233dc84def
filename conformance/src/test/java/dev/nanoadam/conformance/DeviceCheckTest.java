package dev.nanoadam.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The device check's table, verdict and failure descriptions. */
class DeviceCheckTest {

    private static String run(DeviceCheck check, DeviceCheck.Report[] report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            report[0] = check.run(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anAgreeingDeviceGetsATableAndAVerdict() {
        List<Workload> ws = List.of(TestWorkloads.mlpImages(), TestWorkloads.mlpText());
        DeviceCheck.Report[] report = new DeviceCheck.Report[1];
        String text = run(new DeviceCheck(ws, "cpu-scalar", "cpu", 2.0, 3, 4), report);
        assertTrue(report[0].allAgree(), text);
        List<Outcome> outcomes = report[0].outcomes();
        // Determinism of each model, then at least the first covering configuration of each.
        assertTrue(outcomes.size() >= 4, text);
        assertEquals("cpu-scalar", outcomes.get(0).candidate());
        assertEquals("mlp", outcomes.get(0).configuration().model());
        assertEquals("bag", outcomes.get(1).configuration().model());
        assertEquals("cpu", outcomes.get(2).candidate());
        assertEquals("mlp", outcomes.get(2).configuration().model());
        assertEquals("bag", outcomes.get(3).configuration().model());
        assertTrue(text.contains("device: cpu (Vector API"), text);
        assertTrue(text.contains("oracle: cpu-scalar"), text);
        assertTrue(text.contains("configuration"), text);
        assertTrue(text.contains("determinism"), text);
        assertTrue(text.contains(" 4/4 "), text);
        assertTrue(text.contains("configurations, " + report[0].stepsCompared() + " steps compared bit for bit"), text);
        assertTrue(text.contains("all agree"), text);
        assertFalse(text.contains("DISAGREE"), text);
        long lines = text.lines().filter(l -> l.matches("\\s*\\d+  (determinism|device) .*")).count();
        assertEquals(outcomes.size(), lines, text);
    }

    @Test
    void aDisagreeingDeviceIsNamedWithWhereItWentWrong() {
        FaultyBackend.step = 1;
        FaultyBackend.index = 0;
        DeviceCheck.Report[] report = new DeviceCheck.Report[1];
        String text = run(new DeviceCheck(List.of(TestWorkloads.mlpImages()), "cpu-scalar", "faulty-weights", 0.001, 3, 4),
                report);
        assertFalse(report[0].allAgree(), text);
        assertEquals(2, report[0].outcomes().size(), "determinism, then one configuration: " + text);
        Outcome bad = report[0].outcomes().get(1);
        assertEquals(1, bad.mismatch().step(), text);
        assertTrue(text.contains("DIFFER step 1 "), text);
        assertTrue(text.contains(" 1/4 "), text);
        assertTrue(text.contains("1 DISAGREE"), text);
        assertTrue(text.contains("#2: cpu-scalar vs faulty-weights, Configuration[model=mlp"), text);
        assertTrue(text.contains("first at index"), text);
    }

    @Test
    void anUnknownDeviceIsRefusedBeforeAnythingRuns() {
        DeviceCheck check = new DeviceCheck(List.of(TestWorkloads.mlpImages()), "cpu-scalar", "tpu", 1, 0, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(check, new DeviceCheck.Report[1]));
        assertTrue(e.getMessage().contains("unknown backend 'tpu'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DeviceCheck(List.of(), "cpu-scalar", "cpu", 1, 0, 2));
        assertThrows(IllegalArgumentException.class,
                () -> new DeviceCheck(List.of(TestWorkloads.mlpImages()), "cpu-scalar", "cpu", 0, 0, 2));
    }
}
