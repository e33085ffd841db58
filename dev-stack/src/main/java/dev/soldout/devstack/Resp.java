package dev.soldout.devstack;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Redis command over a fresh socket, for watching servers that the dev stack runs. dev-stack
 * keeps no Redis client library: this reads the few RESP2 replies that INFO and SENTINEL give.
 */
final class Resp {
  private static final int TIMEOUT_MS = 1_000;

  private Resp() {}

  /** The reply: a String, Long, List of replies, or null; a Redis error throws. */
  static Object call(int port, String... args) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
      for (String arg : args) {
        request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
            .append(arg).append("\r\n");
      }
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()));
    }
  }

  /** A flat key, value, key, value reply (SENTINEL MASTER) as a map. */
  static Map<String, String> pairs(Object reply) {
    Map<String, String> map = new LinkedHashMap<>();
    List<?> list = (List<?>) reply;
    for (int i = 0; i + 1 < list.size(); i += 2) {
      map.put(String.valueOf(list.get(i)), String.valueOf(list.get(i + 1)));
    }
    return map;
  }

  /** The {@code field:value} lines of an INFO reply. */
  static Map<String, String> info(Object reply) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String line : String.valueOf(reply).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        map.put(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    return map;
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IOException("Redis error: " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      case '*': {
        int count = Integer.parseInt(line);
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          items.add(read(in));
        }
        return items;
      }
      default:
        throw new IOException("unexpected RESP type " + type + ": " + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\r') {
      if (b < 0) {
        throw new IOException("connection closed mid-reply");
      }
      bytes.write(b);
    }
    in.read(); // '\n'
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
