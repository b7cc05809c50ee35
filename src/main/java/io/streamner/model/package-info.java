/**
 * The window networks of the specification and their extensions (typed softmax output,
 * capitalisation features, float kernels), their learners and models. Depends only on text and the
 * JDK.
 */
package io.streamner.model;
