/** The {@code nanoadam} commands. */
module dev.nanoadam.cli {
    requires dev.nanoadam.experiments;
    requires dev.nanoadam.conformance;
    requires info.picocli;

    opens dev.nanoadam.cli to info.picocli;

    uses dev.nanoadam.experiments.ModelProvider;
}
