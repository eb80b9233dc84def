package dev.nanoadam.cli;

import dev.nanoadam.experiments.ModelProvider;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code nanoadam models}: the models {@code --model} can name, with their settings. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List the models --model can name, and their settings.")
final class ModelsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        for (ModelProvider p : ServiceLoader.load(ModelProvider.class, ModelsCommand.class.getClassLoader())) {
            for (String name : p.names()) {
                System.out.println(name);
                for (String line : p.settingsHelp(name)) {
                    System.out.println("  " + line);
                }
            }
        }
        return 0;
    }
}
