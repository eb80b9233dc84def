/** The paper's experiments at small scale: runs, results, tables and plots. */
module dev.nanoadam.experiments {
    requires transitive dev.nanoadam.training;
    requires transitive dev.nanoadam.distributed;
    requires java.desktop;
    requires java.management;
    requires org.knowm.xchart;

    exports dev.nanoadam.experiments;
    exports dev.nanoadam.experiments.analysis;
    exports dev.nanoadam.experiments.minilm;
    exports dev.nanoadam.experiments.report;

    uses dev.nanoadam.experiments.ModelProvider;
    provides dev.nanoadam.experiments.ModelProvider with dev.nanoadam.experiments.ResNetProvider;
}
