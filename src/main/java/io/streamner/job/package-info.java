/**
 * The Flink jobs: training with the model in keyed state, scoring from replicas apart from it, the
 * serving job, and their definitions. Depends on model, modelfile, kafka, eval, text, Flink and
 * Kafka.
 */
package io.streamner.job;
