package dev.soldout.seats.catalog;

import java.util.List;

public record Concert(String concertId, String title, String artist, List<Performance> performances) {}
