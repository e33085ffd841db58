package dev.soldout.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisServerTest {

  @Test
  void answersPing() throws IOException {
    try (RedisServer redis = new RedisServer(FreePorts.next())) {
      redis.start();
      assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
      assertThat(send(redis.url(), "PING")).isEqualTo("+PONG");
    }
  }

  @Test
  void bundledBinaryKeepsDataInItsDirAcrossRestart(@TempDir Path dir) throws IOException {
    try (RedisServer redis = new RedisServer(FreePorts.next(), dir, RedisServer.bundledExecutable())) {
      redis.start();
      assertThat(send(redis.url(), "SET hold:A1 user-7")).isEqualTo("+OK");
      redis.stop();
      redis.start();
      assertThat(send(redis.url(), "GET hold:A1")).isEqualTo("$6");
    }
  }

  /** One inline command; returns the first reply line. */
  static String send(String url, String command) throws IOException {
    URI uri = URI.create(url);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
      return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
  }
}
