package dev.nanoadam.conformance;

import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code cpu}, at the vector width this JVM was forced to, against the {@code cpu-scalar} oracle
 * over the covering list of every model. The build runs it once per width (64, 128, 256, 512,
 * scalar), each in its own JVM.
 */
class CpuWidthConformanceTest {
    @TestFactory
    List<DynamicTest> cpuAgreesWithTheOracleOnTheCoveringList() {
        CpuWidth.assume();
        return Covering.tests("cpu-scalar", "cpu");
    }
}
