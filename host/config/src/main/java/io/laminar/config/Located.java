package io.laminar.config;

/** A value and where it is written. */
record Located<T>(T value, Position position) {
}
