/**
 * The window network of the specification and its extensions (typed softmax output, capitalisation
 * features, float kernels): one parameter set ({@link io.streamner.model.Dense}), one kernel seam
 * ({@link io.streamner.model.WindowKernel}) per precision whose output layer follows the number of
 * outputs, one model base ({@link io.streamner.model.TaggingModel}), one offline trainer and one
 * streaming learner. Depends on text, the JDK and Jackson's annotations (how a precision is spelled
 * in files).
 */
package io.streamner.model;
