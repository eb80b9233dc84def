package dev.nanoadam.conformance;

import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** {@code tornado} against the {@code cpu-scalar} oracle over the covering list, as {@link OpenClConformanceTest}. */
class TornadoConformanceTest {
    @TestFactory
    List<DynamicTest> tornadoAgreesWithTheOracleOnTheCoveringList() {
        return Covering.tests("cpu-scalar", "tornado");
    }
}
