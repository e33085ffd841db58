package dev.soldout.devstack;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** How to reach a PostgreSQL database over JDBC. */
public record Database(String jdbcUrl, String user, String password) {

  public static final String DEFAULT_USER = "postgres";

  public Database {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
  }

  /**
   * Accepts a JDBC URL ({@code jdbc:postgresql://host:port/db}) or a libpq-style URL
   * ({@code postgres://user:pass@host:port/db}, also {@code postgresql://}), as platforms hand
   * out either. Credentials come from the non-null arguments first, then from the URL (user
   * info or {@code user}/{@code password} parameters, which are moved out of the JDBC URL so
   * that they cannot silently override these fields), else user {@code postgres} and an empty
   * password.
   */
  public static Database fromUrl(String url, String user, String password) {
    String spec = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
    URI uri = URI.create(spec);
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("Not a PostgreSQL URL: " + url);
    }
    if (uri.getRawAuthority() == null) {
      // jdbc:postgresql:db, no host part to rewrite
      return new Database(url, firstNonNull(user, DEFAULT_USER), firstNonNull(password, ""));
    }
    String urlUser = null;
    String urlPassword = null;
    String hosts = uri.getRawAuthority();
    int at = hosts.lastIndexOf('@');
    if (at >= 0) {
      String[] userInfo = hosts.substring(0, at).split(":", 2);
      // In user info '+' is a plus sign, not a space as in query parameters.
      urlUser = decode(userInfo[0].replace("+", "%2B"));
      urlPassword = userInfo.length == 2 ? decode(userInfo[1].replace("+", "%2B")) : null;
      hosts = hosts.substring(at + 1);
    }
    List<String> parameters = new ArrayList<>();
    if (uri.getRawQuery() != null) {
      for (String parameter : uri.getRawQuery().split("&")) {
        if (parameter.startsWith("user=")) {
          urlUser = decode(parameter.substring("user=".length()));
        } else if (parameter.startsWith("password=")) {
          urlPassword = decode(parameter.substring("password=".length()));
        } else if (!parameter.isEmpty()) {
          parameters.add(parameter);
        }
      }
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String jdbcUrl = "jdbc:postgresql://" + hosts + path
        + (parameters.isEmpty() ? "" : "?" + String.join("&", parameters));
    return new Database(jdbcUrl,
        firstNonNull(user, firstNonNull(urlUser, DEFAULT_USER)),
        firstNonNull(password, firstNonNull(urlPassword, "")));
  }

  /** The same database with {@code currentSchema} set, so unqualified names resolve in {@code schema}. */
  public Database withCurrentSchema(String schema) {
    return new Database(jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema, user, password);
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, password);
  }

  /** Keeps the password out of logs and assertion messages. */
  @Override
  public String toString() {
    return "Database[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***") + "]";
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String firstNonNull(String value, String fallback) {
    return value != null ? value : fallback;
  }
}
