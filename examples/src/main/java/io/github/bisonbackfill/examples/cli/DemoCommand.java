package io.github.bisonbackfill.examples.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code demo}: placeholder until the demo lands. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "The one-command demo.")
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    BisonBackfillCli cli;

    @Override
    public Integer call() {
        return BisonBackfillCli.EXIT_FAILURES;
    }
}
