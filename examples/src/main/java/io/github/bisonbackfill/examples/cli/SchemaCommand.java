package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.core.ClientLeadsSchema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code schema}: prints the idempotent SQL script of the table, for psql or the Supabase SQL editor. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        header = "Prints the table's idempotent SQL script.",
        description = {"Prints the table's idempotent SQL script (create or upgrade; safe to run again):",
                "  bison-backfill schema | psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f -"})
final class SchemaCommand implements Callable<Integer> {
    @ParentCommand
    BisonBackfillCli cli;

    @Option(names = "--table", paramLabel = "NAME", description = "table name (default: supabase.table of --config, else client_leads)")
    String table;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "take the table name from this config file")
    Path configFile;

    @Override
    public Integer call() {
        String t = table;
        if (t == null && configFile != null) {
            t = ConfigLoader.load(configFile).supabase().table();
        }
        if (t == null) {
            t = ClientLeadsSchema.TABLE;
        }
        if (!t.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new CommandLine.ParameterException(cli.spec.commandLine(), "--table: \"" + t + "\" is not a plain lower-case table name");
        }
        cli.out.print(ClientLeadsSchema.sql(t));
        cli.out.flush();
        return BisonBackfillCli.EXIT_OK;
    }
}
