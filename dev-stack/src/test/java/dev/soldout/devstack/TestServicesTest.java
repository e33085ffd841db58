package dev.soldout.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** Uses REDIS_URL / DATABASE_URL when set (as in CI), else the embedded services. */
class TestServicesTest {

  @Test
  void freshSchemasAreIsolated() throws SQLException {
    Database first = TestServices.freshSchema();
    Database second = TestServices.freshSchema();
    assertThat(first.jdbcUrl()).isNotEqualTo(second.jdbcUrl());
    try (Connection a = first.connect(); Connection b = second.connect();
       Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("create table holds(seat text)");
      sa.execute("insert into holds values ('A1')");
      sb.execute("create table holds(seat text)");
      assertThat(count(sb, "select count(*) from holds")).isZero();
      assertThat(count(sa, "select count(*) from holds")).isEqualTo(1);
      assertThatThrownBy(() -> sb.executeQuery("select * from " + a.getSchema() + ".missing"))
          .isInstanceOf(SQLException.class);
    }
  }

  @Test
  void redisAnswers() throws Exception {
    assertThat(TestServices.redisUrl()).isSameAs(TestServices.redisUrl());
    assertThat(RedisServerTest.send(TestServices.redisUrl(), "PING")).isEqualTo("+PONG");
  }

  @Test
  void kafkaIsOneBrokerPerJvm() throws Exception {
    assertThat(TestServices.kafkaBootstrap()).isEqualTo(TestServices.kafkaBootstrap());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap()))) {
      assertThat(admin.describeCluster().nodes().get()).hasSize(1);
    }
  }

  private static long count(Statement statement, String sql) throws SQLException {
    try (ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
