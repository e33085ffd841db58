package dev.soldout.bench;

import dev.soldout.api.security.AuthSettings;
import dev.soldout.devstack.Database;

/**
 * The running system the bench plays against, as its launcher resolved it: the API, the
 * operators' port, the sandbox PG, and the infrastructure behind them (the ceilings run against
 * the same broker, Redis and database), plus what the fans' tokens are signed with.
 */
public record Target(String apiUrl, String opsUrl, String pgUrl, String kafkaBootstrap,
    String redisUrl, Database database, String topicPrefix, String applicationId,
    int partitions, short replicationFactor, long commitIntervalMs, AuthSettings auth) {}
