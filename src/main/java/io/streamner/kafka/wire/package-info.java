/**
 * The JSON wire format of every Kafka topic of the streaming job: what the inputs ({@code train},
 * {@code score}) must look like, and what the outputs ({@code predictions}, {@code dead-letter},
 * {@code snapshots}) hold.
 *
 * <p>The Flink job, the command line and tests all read and write the topics through this one
 * package, so the format has one definition in code besides the JSON Schemas and {@code
 * schemas/topics.md}; tests hold the three to each other. It is plain Java and Jackson on purpose:
 * no Flink or Kafka type appears here, so a producer, a consumer or a tool can use it without
 * either.
 *
 * <p>Parsing the inputs is total ({@link io.streamner.kafka.wire.WireFormat#parseTrain} and {@link
 * io.streamner.kafka.wire.WireFormat#parseScore} return a reason instead of throwing), because in a
 * stream one bad record must go to the dead-letter topic, not stop the job. The outputs are written
 * by this project, so decoding them throws {@link IllegalArgumentException} on damage instead.
 */
package io.streamner.kafka.wire;
