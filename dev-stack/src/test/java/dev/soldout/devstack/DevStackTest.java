package dev.soldout.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevStackTest {

  @TempDir
  Path dataRoot;

  @Test
  void recordsEndpointsWhileRunning() throws Exception {
    DevStack.Ports ports = new DevStack.Ports(FreePorts.next(), FreePorts.next(), FreePorts.next(), FreePorts.next());
    assertThat(DevStack.readRecorded(dataRoot)).isEmpty();

    try (DevStack stack = DevStack.start(dataRoot, Set.of(DevStack.Service.REDIS, DevStack.Service.POSTGRES), ports)) {
      DevStack.Endpoints endpoints = stack.endpoints();
      assertThat(endpoints.kafkaBootstrap()).isNull();
      assertThat(endpoints.redisUrl()).isEqualTo("redis://127.0.0.1:" + ports.redis());
      assertThat(endpoints.database().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/postgres");
      assertThat(DevStack.readRecorded(dataRoot)).contains(endpoints);
      assertThat(RedisServerTest.send(endpoints.redisUrl(), "PING")).isEqualTo("+PONG");
      try (var c = endpoints.database().connect()) {
        assertThat(c.isValid(5)).isTrue();
      }
    }

    assertThat(DevStack.readRecorded(dataRoot)).isEmpty();
    assertThat(dataRoot.resolve("postgres/PG_VERSION")).exists();
    assertThat(dataRoot.resolve("redis/redis.log")).exists();
  }
}
