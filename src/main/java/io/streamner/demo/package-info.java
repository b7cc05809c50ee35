/**
 * {@code streamner demo}: a generated corpus streamed through a broker and a local Flink started in
 * the process, watched prequentially. Depends on job, kafka, eval, modelfile and text.
 */
package io.streamner.demo;
