package dev.soldout.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerTest {

  @TempDir
  Path dataDir;

  @Test
  void keepsTablesAcrossRestart() throws SQLException {
    try (PostgresServer postgres = new PostgresServer(FreePorts.next(), dataDir)) {
      long start = System.nanoTime();
      Database db = postgres.start();
      long firstStart = (System.nanoTime() - start) / 1_000_000;
      try (Connection c = db.connect()) {
        assertThat(queryInt(c, "select 1")).isEqualTo(1);
        c.createStatement().execute("create table seats(id int primary key)");
        c.createStatement().execute("insert into seats values (42)");
      }

      postgres.stop();
      start = System.nanoTime();
      postgres.start();
      long restart = (System.nanoTime() - start) / 1_000_000;
      try (Connection c = db.connect()) {
        assertThat(queryInt(c, "select id from seats")).isEqualTo(42);
        assertThat(queryInt(c, "select current_setting('server_version_num')::int / 10000")).isEqualTo(17);
      }
      System.out.printf("PostgresServer start: first (with initdb) %d ms, restart %d ms%n", firstStart, restart);
    }
  }

  private static int queryInt(Connection c, String sql) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getInt(1);
    }
  }
}
