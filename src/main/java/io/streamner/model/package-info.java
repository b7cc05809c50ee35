/**
 * The window networks of the specification and their extensions (typed softmax output,
 * capitalisation features, float kernels), their learners and models. Depends on text, the JDK and
 * Jackson's annotations (how a precision is spelled in files).
 */
package io.streamner.model;
