package dev.nanoadam.cli;

import dev.nanoadam.models.io.Inspect;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nanoadam inspect FILE}: one line per tensor of a safetensors file. */
@Command(name = "inspect", description = "Print one line per tensor of a safetensors file: name dtype [shape] bytes.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "a .safetensors file")
    String file;

    @Option(names = "--metadata", description = "also print the file's __metadata__")
    boolean metadata;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>();
        if (metadata) {
            args.add("--metadata");
        }
        args.add(file);
        return Inspect.run(args.toArray(new String[0]), System.out, System.err);
    }
}
