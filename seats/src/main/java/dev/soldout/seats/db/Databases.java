package dev.soldout.seats.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/** Opens the SQL database: a bounded pool, migrations applied, and a Jdbi on top. */
public final class Databases {
  private Databases() {}

  public static HikariDataSource pool(String jdbcUrl, String user, String password, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(size);
    config.setPoolName("soldout-db");
    // Fail fast: a fan waits on this, and a dead database must answer 503, not hang.
    config.setConnectionTimeout(2_000);
    config.setValidationTimeout(1_000);
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  public static void migrate(javax.sql.DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
  }

  public static Jdbi jdbi(javax.sql.DataSource dataSource) {
    return Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin())
        .installPlugin(new PostgresPlugin());
  }
}
