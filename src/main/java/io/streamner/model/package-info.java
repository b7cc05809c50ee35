/**
 * The window network of the specification and its extensions (typed softmax output, capitalisation
 * features, float kernels): one parameter set ({@link io.streamner.model.Dense}), one kernel seam
 * ({@link io.streamner.model.WindowKernel}) whose output layer follows the number of outputs, the
 * models and their learners. Depends on text, the JDK and Jackson's annotations (how a precision is
 * spelled in files).
 */
package io.streamner.model;
