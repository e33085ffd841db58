package dev.soldout.api.health;

import java.util.concurrent.Callable;

/** One dependency check. It may throw or hang: the HealthService bounds it and reports DOWN. */
public record HealthCheck(String name, boolean neededForReady, Callable<String> probe) {}
