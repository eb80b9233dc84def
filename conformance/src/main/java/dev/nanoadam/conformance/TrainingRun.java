package dev.nanoadam.conformance;

import dev.nanoadam.NanoAdam;
import dev.nanoadam.Parameter;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.data.BatchLoader;
import dev.nanoadam.models.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * One side of a lock-step check: a model of its own, a batch loader of its own and a NanoAdam on one
 * backend, driven by a {@link Trainer} exactly as a user's training would be. Nothing is shared
 * with the other side.
 */
final class TrainingRun implements AutoCloseable {
    final Workload workload;
    final Configuration config;
    final String backend;
    final String label;             // backend name, plus where it was resumed from after a handover
    final Classifier model;
    final List<Parameter> parameters;
    final Set<Parameter> sparse;    // the optimizer's SPARSE group, by identity
    final NanoAdam optimizer;
    private final Trainer trainer;

    private TrainingRun(Workload workload, Configuration config, String backend, String label, long modelSeed) {
        this.workload = workload;
        this.config = config;
        this.backend = backend;
        this.label = label;
        this.model = workload.newModel(modelSeed);
        this.parameters = model.parameters();
        BatchLoader loader = new BatchLoader(workload.data(), workload.batchSize(), true, config.seed(), true);
        NanoAdam.Builder b = config.optimizer(backend);
        this.optimizer = switch (config.groups()) {
            case DEFAULT -> b.build(parameters);
            case MODEL -> b.build(model.sparseParameters(), model.denseParameters());
            case ALL_SPARSE -> b.build(parameters, List.of());
        };
        this.sparse = Collections.newSetFromMap(new IdentityHashMap<>());
        sparse.addAll(optimizer.sparseParameters());
        this.trainer = Trainer.builder(model, loader).optimizers(optimizer).build();
        model.train(true);
    }

    /** A run of {@code config} on {@code backend}, its model initialised from {@code modelSeed}. */
    static TrainingRun start(Workload workload, Configuration config, String backend, long modelSeed) {
        return new TrainingRun(workload, config, backend, backend, modelSeed);
    }

    /** One training step (next batch, forward, backward, optimizer step); returns the batch's loss. */
    float step() {
        return trainer.trainStep();
    }

    /**
     * Checkpoints this run into {@code directory}, closes it, and returns a run on {@code next}
     * resumed from that checkpoint. The new run's model is first initialised from
     * {@code unrelatedSeed}, so only what the checkpoint restores can make it agree.
     */
    TrainingRun handOver(Path directory, String next, long unrelatedSeed) throws IOException {
        trainer.saveCheckpoint(directory);
        long at = trainer.completedSteps();
        close();
        TrainingRun resumed = new TrainingRun(workload, config, next, next + " (resumed from " + backend + " at step "
                + at + ")", unrelatedSeed);
        try {
            resumed.trainer.resume(directory);
        } catch (IOException | RuntimeException e) {
            resumed.close();
            throw e;
        }
        return resumed;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
