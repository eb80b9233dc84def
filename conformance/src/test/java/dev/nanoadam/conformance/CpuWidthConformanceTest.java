package dev.nanoadam.conformance;

import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code cpu}, at the vector width this JVM was forced to, against the {@code cpu-scalar} oracle
 * over the covering list of every model. The build runs it once per width (64, 128, 256, 512,
 * scalar), each in its own JVM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CpuWidthConformanceTest {
    @TestFactory
    @Order(1)
    List<DynamicTest> theModelsAreDeterministicHere() {
        return Covering.determinism("cpu-scalar");
    }

    @TestFactory
    @Order(2)
    List<DynamicTest> cpuAgreesWithTheOracleOnTheCoveringList() {
        CpuWidth.check();
        return Covering.tests("cpu-scalar", "cpu");
    }
}
