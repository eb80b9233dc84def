package dev.nanoadam.conformance;

import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code opencl} against the {@code cpu-scalar} oracle over the covering list: every criterion,
 * moment policy and state type, schedule on and off, mask intervals 1 and larger, dividing and
 * partial chunks, each parameter-group choice and checkpoint handovers both ways, on every model.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenClConformanceTest {
    @TestFactory
    @Order(1)
    List<DynamicTest> theModelsAreDeterministicHere() {
        return Covering.determinism("cpu-scalar");
    }

    @TestFactory
    @Order(2)
    List<DynamicTest> openClAgreesWithTheOracleOnTheCoveringList() {
        OpenClPresence.assume();
        return Covering.tests("cpu-scalar", "opencl");
    }
}
