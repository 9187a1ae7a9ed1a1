package io.laminar.config;

/** What every reader shares while one configuration is loaded: the error sink and the environment. */
record Reading(Problems problems, EnvSubstitution env) {
}
