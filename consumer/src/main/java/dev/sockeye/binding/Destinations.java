package dev.sockeye.binding;

/** Where the results and the dead letters of one source topic go (cached per topic by the dispatcher). */
record Destinations(String results, String deadLetters) {}
