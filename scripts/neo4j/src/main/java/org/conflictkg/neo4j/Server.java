package org.conflictkg.neo4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;

/**
 * A real Neo4j 5 Community DBMS for development and CI, without Docker.
 *
 * <p>Why: tests and analysts need the same server the project targets (Bolt,
 * auth, Cypher 5, point indexes), and this machine has Java and Maven but no
 * Docker. The embedded DBMS from Maven Central with its Bolt connector on is
 * that server.
 *
 * <p>Usage: {@code java ... org.conflictkg.neo4j.Server HOME_DIR}. Reads
 * {@code NEO4J_PASSWORD} (required, at least 8 characters),
 * {@code NEO4J_BOLT_PORT} (default 7687) and {@code NEO4J_PAGECACHE}
 * (default 1g) from the environment. Listens on 127.0.0.1 only, auth on.
 * Writes {@code HOME_DIR/ready} once Bolt answers and the password is set,
 * and shuts the DBMS down cleanly on SIGTERM.
 */
public final class Server {
    private Server() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Server HOME_DIR");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.isEmpty()) {
            System.err.println("error: NEO4J_PASSWORD is not set");
            System.exit(2);
        }
        String port = env("NEO4J_BOLT_PORT", "7687");
        Path ready = home.resolve("ready");
        Files.createDirectories(home);
        Files.deleteIfExists(ready);

        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("server.bolt.enabled", "true");
        conf.put("server.bolt.listen_address", "127.0.0.1:" + port);
        conf.put("server.bolt.advertised_address", "127.0.0.1:" + port);
        conf.put("server.http.enabled", "false");
        conf.put("server.https.enabled", "false");
        conf.put("dbms.security.auth_enabled", "true");
        conf.put("server.memory.pagecache.size", env("NEO4J_PAGECACHE", "1g"));
        conf.put("db.tx_log.rotation.retention_policy", "2 files");
        conf.put("dbms.usage_report.enabled", "false");

        // Settings as raw "name=value" lines, the same form as a server's neo4j.conf.
        Path confFile = home.resolve("neo4j.conf");
        StringBuilder lines = new StringBuilder("# written by org.conflictkg.neo4j.Server at each start\n");
        conf.forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
        Files.writeString(confFile, lines.toString(), StandardCharsets.UTF_8);
        DatabaseManagementService dbms =
                new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(confFile).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("neo4j: shutting down");
            try {
                Files.deleteIfExists(ready);
            } catch (IOException ignored) {
                // the file only says "ready"; a stale one is harmless once the pid is gone
            }
            dbms.shutdown();
            System.out.println("neo4j: stopped");
            stopped.countDown();
        }, "kg-neo4j-shutdown"));

        setPassword(dbms.database("system"), password);
        // Touch the default database so the first client does not pay for its start.
        dbms.database("neo4j").executeTransactionally("RETURN 1");

        Path tmp = home.resolve("ready.tmp");
        Files.writeString(tmp, "bolt://127.0.0.1:" + port + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, ready, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("neo4j: ready at bolt://127.0.0.1:" + port);
        stopped.await();
    }

    /** Make the neo4j user's password the one in NEO4J_PASSWORD, with no forced change. */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
            System.out.println("neo4j: password for user 'neo4j' set from NEO4J_PASSWORD");
        } catch (QueryExecutionException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("cannot be the same")) {
                System.out.println("neo4j: password for user 'neo4j' already matches NEO4J_PASSWORD");
                return;
            }
            throw e;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
