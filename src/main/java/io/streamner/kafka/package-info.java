/**
 * Kafka for streamner: client settings (security included), topics, the snapshot export, and a
 * broker in process for the demo and tests. Depends on model, text, json and Kafka, never on Flink.
 */
package io.streamner.kafka;
