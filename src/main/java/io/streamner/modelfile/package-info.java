/**
 * The versioned model file: a JSON header and a binary payload, written and read with checks.
 * Depends on model, text and json; no Flink, no Kafka.
 */
package io.streamner.modelfile;
