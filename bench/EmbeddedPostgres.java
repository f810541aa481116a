import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.progresshub.ops.devdb.DevPostgres;

/**
 * The benchmark's database: a real PostgreSQL started by the project's own {@code DevPostgres} (zonky embedded
 * binaries), durable (fsync and synchronous_commit on), all files under the given home directory. Prints {@code jdbc-url=...} and {@code stats-url=...},
 * then serves the stats URL until it is killed (SIGTERM stops PostgreSQL through DevPostgres' shutdown hook).
 *
 * <p>The stats URL answers PostgreSQL's own activity counters of the service's database, which is how the
 * benchmark proves that a poll costs no database read. They are read over a connection to a separate
 * database, so reading them does not count as activity of the database being watched.
 *
 * <p>Run: {@code java -cp target/classes:<classpath with scope compile> bench/EmbeddedPostgres.java target/bench-postgres}
 */
public class EmbeddedPostgres {

    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";
    private static final String WATCHED_DATABASE = "postgres";
    private static final String MONITOR_DATABASE = "bench_monitor";

    private static final String COUNTERS_QUERY = """
            select xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated, blks_read, blks_hit
            from pg_stat_database where datname = '%s'""".formatted(WATCHED_DATABASE);

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args.length > 0 ? args[0] : "target/bench-postgres").toAbsolutePath();
        // zonky's defaults (postgres -F, synchronous_commit=off) skip the disk flush of a commit: a benchmark of
        // ingest must pay it, as production does
        String jdbcUrl = DevPostgres.start(home, Map.of("fsync", "on", "synchronous_commit", "on"));
        String monitorUrl = createMonitorDatabase(jdbcUrl);
        HttpServer statsServer = serveStats(monitorUrl);
        System.out.println("jdbc-url=" + jdbcUrl);
        System.out.println("stats-url=http://127.0.0.1:" + statsServer.getAddress().getPort() + "/stats");
        System.out.flush();
        Thread.currentThread().join();
    }

    private static String createMonitorDatabase(String jdbcUrl) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, USER, PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + MONITOR_DATABASE);
            statement.execute("create database " + MONITOR_DATABASE);
        }
        return jdbcUrl.replaceFirst("/" + WATCHED_DATABASE + "(\\?|$)", "/" + MONITOR_DATABASE + "$1");
    }

    private static HttpServer serveStats(String monitorUrl) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/stats", exchange -> answer(exchange, readCounters(monitorUrl)));
        server.start();
        return server;
    }

    /** One line of {@code name=value} pairs; a fresh connection each time, so no cached stats snapshot. */
    private static String readCounters(String monitorUrl) {
        try (Connection connection = DriverManager.getConnection(monitorUrl, USER, PASSWORD);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(COUNTERS_QUERY)) {
            row.next();
            StringBuilder line = new StringBuilder();
            for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
                line.append(row.getMetaData().getColumnLabel(column)).append('=').append(row.getLong(column)).append(' ');
            }
            return line.toString().strip();
        } catch (SQLException e) {
            return "error=" + e.getMessage().replace('\n', ' ');
        }
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
