/**
 * The {@code streamner} command line: one picocli command per verb (train, eval, tag, job, serve,
 * export, produce, demo). May depend on every other streamner package; nothing depends on it.
 */
package io.streamner.cli;
