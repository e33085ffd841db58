package dev.soldout.seats.catalog;

import java.time.Instant;

public record Performance(
    String performanceId, String concertId, String venue, Instant startsAt, Instant saleOpensAt) {}
