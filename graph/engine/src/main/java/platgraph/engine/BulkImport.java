package platgraph.engine;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;

/**
 * Runs Neo4j's offline importer (the engine behind {@code neo4j-admin database import full}) on the
 * embedded engine's store, for platgraph's bulk first load (ingest/bulk.py).
 *
 * Neo4j publishes no neo4j-admin distribution on Maven Central, but the importer's artifact
 * (org.neo4j:neo4j-import-tool, graph/engine/pom.xml) is an ordinary jar there, found by AdminTool
 * through its command provider. The importer writes the store files directly, so the database must
 * be shut down while it runs. Two ways in:
 *
 * - inside the running launcher: graph/local_neo4j.py writes {@link #REQUEST} (one importer argument
 *   per line); the launcher's main loop calls {@link #serveRequest}, which shuts the DBMS down, runs
 *   the import, opens the DBMS again and writes {@link #DONE} (the importer's exit code). This spares
 *   stopping and starting two JVMs;
 * - standalone, on a stopped engine: {@code BulkImport --home DIR [import full options...]}.
 */
public final class BulkImport {

    static final String REQUEST = "bulk-import.request";
    static final String DONE = "bulk-import.done";
    static final String LOG = "bulk-import.log";

    private BulkImport() {
    }

    public static void main(String[] args) {
        if (args.length < 2 || !args[0].equals("--home")) {
            throw new IllegalArgumentException("usage: BulkImport --home DIR [import full options...]");
        }
        Path home = Path.of(args[1]).toAbsolutePath();
        List<String> options = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            options.add(args[i]);
        }
        int code = runImport(new ExecutionContext(home, home.resolve("conf")), options);
        System.out.flush();
        System.exit(code);
    }

    static int runImport(ExecutionContext context, List<String> options) {
        List<String> command = new ArrayList<>(List.of("database", "import", "full"));
        command.addAll(options);
        return AdminTool.execute(context, command.toArray(new String[0]));
    }

    /** If an import was requested: close the DBMS, import, reopen, report. Called by the launcher. */
    static void serveRequest(Path home, Launcher.Engine engine) throws IOException {
        Path request = home.resolve(REQUEST);
        if (!Files.exists(request)) {
            return;
        }
        List<String> options = Files.readAllLines(request, StandardCharsets.UTF_8);
        Files.delete(request);
        Files.deleteIfExists(home.resolve(DONE));
        int code;
        System.out.println("platgraph-engine: offline import requested; closing the database");
        System.out.flush();
        engine.close();
        try (PrintStream log = new PrintStream(Files.newOutputStream(home.resolve(LOG)), true, StandardCharsets.UTF_8)) {
            try {
                code = runImport(new ExecutionContext(home, home.resolve("conf"), log, log, new DefaultFileSystemAbstraction()), options);
            } catch (RuntimeException e) {
                e.printStackTrace(log);
                code = 70;
            }
        }
        engine.open();
        Path tmp = home.resolve(DONE + ".tmp");
        Files.writeString(tmp, Integer.toString(code), StandardCharsets.UTF_8);
        Files.move(tmp, home.resolve(DONE), StandardCopyOption.ATOMIC_MOVE);
        System.out.println("platgraph-engine: offline import finished (exit code " + code + "); database open");
        System.out.flush();
    }
}
