package platgraph.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j 5.26 Community embedded, reachable only over Bolt on a loopback address.
 *
 * Why embedded: Neo4j publishes no server distribution on Maven Central, but the engine and its
 * Bolt connector are ordinary jars there, so a fresh machine with Java and Maven can run the real
 * database without any other download. The Python side (graph/engine.py) starts this class in the
 * background, waits for Bolt to answer and stops it with SIGTERM, which runs the shutdown hook.
 *
 * Arguments: --home DIR --host 127.0.0.1 --port 7687 --password-file FILE --pagecache-mb N
 * The password is read from a file (never from the command line, which other users can see) and
 * set on the built-in "neo4j" user at every start, so rotating it is: change the file, restart.
 */
public final class Launcher {

    static final String FEATURES_FILE = "engine.features";

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        Path home = Path.of(require(opts, "home")).toAbsolutePath();
        String host = opts.getOrDefault("host", "127.0.0.1");
        if (!isLoopback(host)) {
            throw new IllegalArgumentException("refusing to listen on non-loopback address " + host);
        }
        int port = Integer.parseInt(opts.getOrDefault("port", "7687"));
        long pagecacheMb = Long.parseLong(opts.getOrDefault("pagecache-mb", "1024"));
        String password = Files.readString(Path.of(require(opts, "password-file")), StandardCharsets.UTF_8).strip();
        if (password.length() < 8) {
            throw new IllegalArgumentException("the Neo4j password must have at least 8 characters");
        }

        Engine engine = new Engine(home, host, port, pagecacheMb, password);
        engine.open();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("platgraph-engine: shutting down");
            engine.close();
            System.out.println("platgraph-engine: stopped");
            stopped.countDown();
        }, "platgraph-engine-shutdown"));

        // What this launcher can do, for graph/local_neo4j.py: a launcher built before a feature
        // (still running after an upgrade) must not be sent requests it would never answer.
        Files.writeString(home.resolve(FEATURES_FILE), "pid=" + ProcessHandle.current().pid() + "\nbulk-import\n",
                StandardCharsets.UTF_8);
        System.out.println("platgraph-engine: ready bolt://" + host + ":" + port + " home=" + home);
        System.out.flush();
        // Poll for an offline-import request (BulkImport.REQUEST): shut the database down, import,
        // open it again, in this JVM, which spares two JVM starts (tens of seconds on a busy machine).
        while (!stopped.await(200, TimeUnit.MILLISECONDS)) {
            BulkImport.serveRequest(home, engine);
        }
    }

    /** The embedded DBMS, which an offline import closes and opens again in the same process. */
    static final class Engine {
        private final Path home;
        private final String host;
        private final int port;
        private final long pagecacheMb;
        private final String password;
        private DatabaseManagementService dbms;

        Engine(Path home, String host, int port, long pagecacheMb, String password) {
            this.home = home;
            this.host = host;
            this.port = port;
            this.pagecacheMb = pagecacheMb;
            this.password = password;
        }

        synchronized void open() {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(host))
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                    .setConfig(GraphDatabaseSettings.auth_enabled, true)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecacheMb))
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                    .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(10))
                    // The Bolt server waits twice 5 s (connections, then its thread pool) after the
                    // databases have stopped, with nothing left to wait for: 1 s each is plenty for a
                    // loopback engine, and every stop (a restart, a backup) is 8 s shorter.
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                    .build();
            try {
                setPassword(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);
            } catch (RuntimeException e) {
                // Without a working password nobody can log in: fail loudly instead of hanging.
                e.printStackTrace();
                System.exit(1);
            }
        }

        synchronized void close() {
            if (dbms != null) {
                dbms.shutdown();
                dbms = null;
            }
        }
    }

    /** Set the built-in user's password; unchanged passwords are fine (Neo4j refuses "same as old"). */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (QueryExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().contains("cannot be the same")) {
                throw e;
            }
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    private static String require(Map<String, String> opts, String key) {
        String value = opts.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return value;
    }

    private static Map<String, String> parse(String[] args) throws IOException {
        java.util.HashMap<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            out.put(args[i].substring(2), args[i + 1]);
        }
        return out;
    }
}
