package dev.soldout.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseTest {

  @Test
  void jdbcUrlIsKeptWithDefaultCredentials() {
    assertThat(Database.fromUrl("jdbc:postgresql://db:5432/soldout", null, null))
        .isEqualTo(new Database("jdbc:postgresql://db:5432/soldout", "postgres", ""));
  }

  @Test
  void argumentsGiveTheCredentials() {
    assertThat(Database.fromUrl("jdbc:postgresql://db:5432/soldout?sslmode=require", "app", "pw"))
        .isEqualTo(new Database("jdbc:postgresql://db:5432/soldout?sslmode=require", "app", "pw"));
  }

  @Test
  void libpqUrlBecomesJdbcWithItsCredentials() {
    assertThat(Database.fromUrl("postgres://app:s%3Acr+t@db.internal:6543/soldout?sslmode=require", null, null))
        .isEqualTo(new Database("jdbc:postgresql://db.internal:6543/soldout?sslmode=require", "app", "s:cr+t"));
    assertThat(Database.fromUrl("postgresql://app@[::1]/soldout", null, null))
        .isEqualTo(new Database("jdbc:postgresql://[::1]/soldout", "app", ""));
  }

  @Test
  void nonNullArgumentsWinOverTheUrl() {
    assertThat(Database.fromUrl("postgres://app:secret@db/soldout", "admin", null))
        .isEqualTo(new Database("jdbc:postgresql://db/soldout", "admin", "secret"));
  }

  @Test
  void credentialParametersMoveOutOfTheJdbcUrl() {
    assertThat(Database.fromUrl("jdbc:postgresql://db/soldout?user=app&ssl=true&password=p%26w", null, null))
        .isEqualTo(new Database("jdbc:postgresql://db/soldout?ssl=true", "app", "p&w"));
  }

  @Test
  void currentSchemaIsAppended() {
    Database db = new Database("jdbc:postgresql://db/soldout", "app", "");
    assertThat(db.withCurrentSchema("t_1").jdbcUrl()).isEqualTo("jdbc:postgresql://db/soldout?currentSchema=t_1");
    assertThat(Database.fromUrl("jdbc:postgresql://db/soldout?ssl=true", null, null).withCurrentSchema("t_1").jdbcUrl())
        .isEqualTo("jdbc:postgresql://db/soldout?ssl=true&currentSchema=t_1");
  }

  @Test
  void passwordStaysOutOfToString() {
    assertThat(new Database("jdbc:postgresql://db/soldout", "app", "secret").toString()).doesNotContain("secret");
  }

  @Test
  void rejectsOtherSchemes() {
    assertThatThrownBy(() -> Database.fromUrl("mysql://db/soldout", null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
